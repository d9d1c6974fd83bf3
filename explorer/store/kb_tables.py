"""The stored knowledge base: one document in two tables, and the code that writes them.

``kb_document`` holds one row: the document without its treatments (as JSON) and what the
application needs to know about it (format version, content origin and fingerprint, which
version of :func:`explorer.domain.models.summarize` derived the summaries). ``kb_treatment``
holds one row per treatment: its catalog summary and its detail (the treatment exactly as in
the document), both JSON text, so SQLite and PostgreSQL store the same bytes.

There is no Alembic chain for these tables: the version of the knowledge database is the
document's format version plus this layout (:data:`explorer.store.heads.KNOWLEDGE_HEAD`,
kept in an ``alembic_version`` table, where every version of the application looks for it:
an older one then says "update this PC" instead of misreading the tables). An older
document is upgraded by :mod:`explorer.kb.upgrade` before validation; a knowledge base in the
layout of the old Alembic chain is converted once (:func:`install`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    text,
    update,
)

from explorer.domain.models import DERIVED_VERSION
from explorer.store.fastpath import SHIPPED_ORIGIN
from explorer.store.heads import KNOWLEDGE_HEAD, LEGACY_KNOWLEDGE_REVISIONS
from explorer.store.kb_reader import (
    DETAILS_SQL,
    KnowledgeReader,
    decode,
    encode,
    sources_of,
    summary_of,
)
from explorer.store.naming import NAMING

__all__ = ["SHIPPED_ORIGIN", "install", "metadata", "write_document"]

metadata = MetaData(naming_convention=NAMING)
"""The knowledge base's tables (what ``explorer db copy`` copies)."""

kb_document = Table(
    "kb_document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("format_version", Integer, nullable=False),
    Column("kb_version", String(32), nullable=False),
    Column("content_origin", String(400), nullable=False),
    Column("content_fingerprint", String(64), nullable=False),
    Column("derived_version", Integer, nullable=False),
    Column("loaded_at", DateTime, nullable=False),
    Column("document", Text, nullable=False),
)
kb_treatment = Table(
    "kb_treatment",
    metadata,
    Column("slug", String(80), primary_key=True),
    Column("position", Integer, nullable=False, unique=True),
    Column("summary", Text, nullable=False),
    Column("detail", Text, nullable=False),
)

_marker = MetaData()
version_table = Table(
    "alembic_version",
    _marker,
    Column("version_num", String(32), primary_key=True),
)
"""The version marker, in the table (and shape) Alembic uses: older versions of the
application read the knowledge database's revision from it."""

BATCH = 500


def write_document(
    connection: Connection, data: Mapping[str, Any], *, origin: str, fingerprint: str
) -> None:
    """Replace the stored knowledge base with the document ``data`` (its JSON form, already
    validated), inside the caller's transaction."""
    connection.execute(delete(kb_treatment))
    connection.execute(delete(kb_document))
    connection.execute(
        insert(kb_document).values(
            id=1,
            format_version=data["format_version"],
            kb_version=data["meta"]["kb_version"],
            content_origin=origin[:400],
            content_fingerprint=fingerprint,
            derived_version=DERIVED_VERSION,
            loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            document=encode({k: v for k, v in data.items() if k != "treatments"}),
        )
    )
    sources = sources_of(data)
    rows = [
        {
            "slug": t["slug"],
            "position": i,
            "summary": encode(summary_of(t, sources)),
            "detail": encode(t),
        }
        for i, t in enumerate(data["treatments"])
    ]
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(kb_treatment), rows[start : start + BATCH])


def derive_again(connection: Connection) -> bool:
    """Derive every summary again when they were derived by another version of
    :func:`~explorer.domain.models.summarize`; True when anything changed."""
    found = connection.execute(text("SELECT derived_version FROM kb_document WHERE id = 1"))
    row = found.first()
    if row is None or row[0] == DERIVED_VERSION:
        return False
    document = decode(connection.execute(text("SELECT document FROM kb_document")).scalar_one())
    sources = sources_of(document)
    for (raw,) in connection.execute(text(DETAILS_SQL)).all():
        detail = decode(raw)
        connection.execute(
            update(kb_treatment)
            .where(kb_treatment.c.slug == detail["slug"])
            .values(summary=encode(summary_of(detail, sources)))
        )
    connection.execute(update(kb_document).values(derived_version=DERIVED_VERSION))
    return True


def install(connection: Connection, revision: str | None, where: Path | None) -> None:
    """Inside the upgrade transaction: create the tables and set the version marker.

    A knowledge base in the layout of the old Alembic chain (``revision`` one of
    :data:`~explorer.store.heads.LEGACY_KNOWLEDGE_REVISIONS`) built from the shipped content
    is simply replaced (the caller fills it again from the shipped files, as a content
    refresh does). One imported from a file is converted into a document; where that is not
    possible (an older layout, or content the current format refuses) the SQLite file is
    first kept aside under a new name (``where``, the SQLite file; None on a server, where
    the old tables stay, for PCs not yet updated) and the
    knowledge base is filled from the shipped content instead, with a warning.

    A document of an older format in this layout is upgraded by the steps of
    :mod:`explorer.kb.upgrade` and validated; where that fails, the same as above.
    """
    converted: tuple[dict[str, Any], str, str] | None = None
    if revision in LEGACY_KNOWLEDGE_REVISIONS:
        from explorer.store import legacy_kb

        converted = legacy_kb.convert(connection, revision, where)
        if where is not None:  # a file (kept aside first); on a server old tables stay
            legacy_kb.drop_tables(connection)
    elif revision is not None and revision != KNOWLEDGE_HEAD:
        converted = _upgraded(connection, where)
        connection.execute(delete(kb_treatment))
        connection.execute(delete(kb_document))
    metadata.create_all(connection)
    _marker.create_all(connection)
    connection.execute(delete(version_table))
    connection.execute(insert(version_table).values(version_num=KNOWLEDGE_HEAD))
    if converted is not None:
        data, origin, fingerprint = converted
        write_document(connection, data, origin=origin, fingerprint=fingerprint)


def _upgraded(connection: Connection, where: Path | None) -> tuple[dict[str, Any], str, str] | None:
    """The stored document of an older format, upgraded and validated, with its origin and
    fingerprint; None when it is empty or cannot be upgraded (then an imported one is kept
    aside, with a warning)."""
    from pydantic import ValidationError

    from explorer.kb.schema import KnowledgeDocument
    from explorer.kb.upgrade import upgrade_document
    from explorer.kb.validate import cross_check
    from explorer.store.legacy_kb import give_up

    def fetch(sql: str, params: Mapping[str, Any]) -> list[Any]:
        return [tuple(r) for r in connection.execute(text(sql), dict(params))]

    reader = KnowledgeReader(fetch)
    header, data = reader.header(), reader.document_data()
    if header is None or data is None:
        return None
    origin, fingerprint = str(header[2]), str(header[3])
    try:
        document = KnowledgeDocument.model_validate(upgrade_document(data))
    except ValidationError as exc:
        problem = f"{exc.error_count()} field(s) are missing or invalid"
    else:
        problems = cross_check(document)
        if not problems:
            return document.model_dump(mode="json"), origin, fingerprint
        problem = f"{len(problems)} problem(s), first {problems[0]}"
    if origin != SHIPPED_ORIGIN:
        give_up(origin, problem, where)
    return None
