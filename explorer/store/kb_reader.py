"""Read the knowledge base as domain objects: the one reader. Widgets and commands never see rows.

The knowledge base is one validated document (:class:`explorer.kb.schema.KnowledgeDocument`)
stored as a few JSON rows (:mod:`explorer.store.kb_tables`): ``kb_document`` holds the
document without its treatments, ``kb_treatment`` one row per treatment with its catalog
summary (derived by :func:`explorer.domain.models.summarize` when it was written) and its
detail (the treatment exactly as in the document). The stored JSON becomes domain objects
by field name (``msgspec``), so a field added to the document and to the domain arrives
without a line here.

:class:`KnowledgeReader` runs three plain queries through a ``fetch(sql, params) -> rows``
function, so it serves a bare ``sqlite3`` connection (the window's start-up path, which must
import neither SQLAlchemy nor pydantic) and a SQLAlchemy session alike.
:class:`DocumentReader` answers the same questions from a document in memory (domain tests,
content checks): no database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import msgspec

from explorer.domain import models as d

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Row = Sequence[Any]
Fetch = Callable[[str, Mapping[str, Any]], list[Row]]

HEADER_SQL = (
    "SELECT format_version, derived_version, content_origin, content_fingerprint, kb_version, "
    "document FROM kb_document WHERE id = 1"
)
SUMMARIES_SQL = "SELECT summary FROM kb_treatment ORDER BY position"
DETAIL_SQL = "SELECT detail FROM kb_treatment WHERE slug = :slug"
DETAILS_SQL = "SELECT detail FROM kb_treatment ORDER BY position"

_SUMMARIES = msgspec.json.Decoder(list[d.TreatmentSummary])


def decode(text: str | bytes) -> Any:
    """A stored JSON column as Python values."""
    return msgspec.json.decode(text)


def encode(value: Any) -> str:
    """Python values (or domain objects) as the stored JSON text."""
    return msgspec.json.encode(value).decode("utf-8")


class _Reader:
    """The conversions from the stored document to domain objects; subclasses say where the
    document comes from."""

    def _content(self) -> tuple[dict[str, Any], str] | None:
        """The document without its treatments, and where its content came from."""
        raise NotImplementedError

    @contextmanager
    def held(self) -> Iterator[None]:
        """Several queries in a row (a reader over a database reads its rows once)."""
        yield

    def _detail(self, slug: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def treatment_summaries(self) -> list[d.TreatmentSummary]:
        raise NotImplementedError

    def _document(self) -> dict[str, Any]:
        found = self._content()
        if found is None:
            raise LookupError("the knowledge base is empty")
        return found[0]

    def _plain_names(self) -> dict[str, str]:
        """Slug -> plain name of every treatment, for the links of the reference views."""
        return {s.slug: s.plain_name for s in self.treatment_summaries()}

    # --- queries --------------------------------------------------------------------------
    def info(self) -> d.KnowledgeBaseInfo | None:
        found = self._content()
        if found is None:
            return None
        document, origin = found
        return msgspec.convert(
            {**document["meta"], "content_origin": origin}, type=d.KnowledgeBaseInfo
        )

    def conditions(self) -> list[d.Condition]:
        return msgspec.convert(self._document()["conditions"], type=list[d.Condition])

    def treatment(self, slug: str) -> d.Treatment | None:
        detail = self._detail(slug)
        if detail is None:
            return None
        return treatment_of(detail, sources_of(self._document()))

    def statistics(self) -> list[d.Statistic]:
        document = self._document()
        sources = sources_of(document)
        return [
            msgspec.convert(
                {
                    **st,
                    "source": sources[st["source"]],
                    "read_in": sources[st["read_in"]] if st.get("read_in") else None,
                },
                type=d.Statistic,
            )
            for st in document.get("statistics", ())
        ]

    def glossary(self, plain_names: Mapping[str, str] | None = None) -> list[d.GlossaryEntry]:
        names = self._plain_names() if plain_names is None else plain_names
        return [
            msgspec.convert(
                {**g, "plain_treatment_names": [names.get(s, "") for s in g["treatments"]]},
                type=d.GlossaryEntry,
            )
            for g in self._document().get("glossary", ())
        ]

    def red_flags(self) -> list[d.RedFlag]:
        """The signs of a possibly serious cause (one list, shown by the pathway, patient mode
        and the reports)."""
        document = self._document()
        sources = sources_of(document)
        return [
            msgspec.convert({**f, "sources": _resolve(f["sources"], sources)}, type=d.RedFlag)
            for f in document.get("red_flags", ())
        ]

    def faq(self) -> list[d.FaqEntry]:
        document = self._document()
        sources = sources_of(document)
        return [
            msgspec.convert({**q, "sources": _resolve(q["sources"], sources)}, type=d.FaqEntry)
            for q in document.get("faq", ())
        ]

    def pathway(self, plain_names: Mapping[str, str] | None = None) -> list[d.PathwayStep]:
        document = self._document()
        sources = sources_of(document)
        names = self._plain_names() if plain_names is None else plain_names
        steps = sorted(document.get("pathway", ()), key=lambda p: p["step"])
        return [
            msgspec.convert(
                {
                    **p,
                    "sources": _resolve(p["sources"], sources),
                    "plain_treatment_names": [names.get(s, "") for s in p["treatments"]],
                },
                type=d.PathwayStep,
            )
            for p in steps
        ]


def sources_of(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Id -> source, each with ``replaced_by``: the ids of the sources that replace it."""
    replaced_by: dict[str, list[str]] = {}
    for source in document["sources"]:
        for old in source.get("replaces", ()):
            replaced_by.setdefault(old, []).append(source["id"])
    return {
        s["id"]: {**s, "replaced_by": replaced_by[s["id"]]} if s["id"] in replaced_by else s
        for s in document["sources"]
    }


def _resolve(keys: Sequence[str], sources: Mapping[str, Any]) -> list[Any]:
    return [sources[key] for key in keys if key in sources]


def treatment_of(detail: Mapping[str, Any], sources: Mapping[str, Any]) -> d.Treatment:
    """A document's treatment as a domain object, with every source its findings, harms and
    guidelines cite (in that order, each once)."""
    cited: dict[str, None] = {}
    for group in ("findings", "harms", "guidelines"):
        for item in detail.get(group, ()):
            cited.update(dict.fromkeys(item["sources"]))
    return msgspec.convert({**detail, "sources": _resolve(list(cited), sources)}, type=d.Treatment)


def summary_of(detail: Mapping[str, Any], sources: Mapping[str, Any]) -> d.TreatmentSummary:
    """The catalog row of a document's treatment; ``sources`` (:func:`sources_of` the
    document) say which of its sources are replaced."""
    return d.summarize(treatment_of(detail, sources))


class KnowledgeReader(_Reader):
    """Queries over one connection to the stored knowledge base."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._holding = False
        self._held_content: tuple[dict[str, Any], str] | None = None
        self._held_summaries: list[d.TreatmentSummary] | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Read the document row and the summaries once for the queries inside (a snapshot
        asks for them several times)."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            self._held_content = self._held_summaries = None

    @classmethod
    def over_session(cls, session: Session) -> KnowledgeReader:
        from sqlalchemy import text

        def fetch(sql: str, params: Mapping[str, Any]) -> list[Row]:
            return [tuple(r) for r in session.execute(text(sql), dict(params)).all()]

        return cls(fetch)

    @classmethod
    def over_sqlite(cls, connection: sqlite3.Connection) -> KnowledgeReader:
        def fetch(sql: str, params: Mapping[str, Any]) -> list[Row]:
            return connection.execute(sql, dict(params)).fetchall()

        return cls(fetch)

    def header(self) -> Row | None:
        """format_version, derived_version, content_origin, content_fingerprint, kb_version,
        document (the JSON text)."""
        rows = self._fetch(HEADER_SQL, {})
        return rows[0] if rows else None

    def _content(self) -> tuple[dict[str, Any], str] | None:
        if self._held_content is not None:
            return self._held_content
        row = self.header()
        found = None if row is None else (decode(row[5]), str(row[2]))
        if self._holding:
            self._held_content = found
        return found

    def _detail(self, slug: str) -> dict[str, Any] | None:
        rows = self._fetch(DETAIL_SQL, {"slug": slug})
        return decode(rows[0][0]) if rows else None

    def treatment_summaries(self) -> list[d.TreatmentSummary]:
        if self._held_summaries is not None:
            return list(self._held_summaries)
        rows = self._fetch(SUMMARIES_SQL, {})
        summaries: list[d.TreatmentSummary] = _SUMMARIES.decode(
            "[" + ",".join(r[0] for r in rows) + "]"
        )
        if self._holding:
            self._held_summaries = summaries
        return list(summaries)

    def document_data(self) -> dict[str, Any] | None:
        """The stored document as it was written (treatments in order), for an export."""
        found = self._content()
        if found is None:
            return None
        document = found[0]
        treatments = [decode(r[0]) for r in self._fetch(DETAILS_SQL, {})]
        return assemble(document, treatments)


def assemble(document: Mapping[str, Any], treatments: list[Any]) -> dict[str, Any]:
    """The document with its treatments back in their place (after ``sources``)."""
    data: dict[str, Any] = {}
    for key, value in document.items():
        data[key] = value
        if key == "sources":
            data["treatments"] = treatments
    data.setdefault("treatments", treatments)
    return data


class DocumentReader(_Reader):
    """The same queries, answered from a document in memory (its JSON form:
    ``KnowledgeDocument.model_dump(mode="json")``). No database."""

    def __init__(self, data: Mapping[str, Any], origin: str = "shipped") -> None:
        self._document_only = {k: v for k, v in data.items() if k != "treatments"}
        self._details = {t["slug"]: t for t in data["treatments"]}
        self._origin = origin

    def _content(self) -> tuple[dict[str, Any], str] | None:
        return self._document_only, self._origin

    def _detail(self, slug: str) -> dict[str, Any] | None:
        return self._details.get(slug)

    def treatment_summaries(self) -> list[d.TreatmentSummary]:
        sources = sources_of(self._document_only)
        return [summary_of(t, sources) for t in self._details.values()]
