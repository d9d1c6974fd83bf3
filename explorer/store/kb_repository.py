"""Read the knowledge base as domain objects. Widgets and commands never see rows.

The reader runs plain, portable SQL through a ``fetch(sql, params) -> rows`` function,
so the same queries serve a SQLAlchemy session (any engine) and a bare ``sqlite3``
connection (the window's start-up path, which must not wait ~300 ms for SQLAlchemy to
import). This module therefore imports no SQLAlchemy at module level.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from explorer.domain import models as d
from explorer.domain.vocab import Approach, Certainty, Direction, Invasiveness, SourceKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Row = Sequence[Any]
Fetch = Callable[[str, Mapping[str, Any]], list[Row]]

_SOURCE_COLUMNS = (
    "s.key, s.kind, s.peer_reviewed, s.citation, s.year, s.pmid, s.doi, s.url, "
    "s.industry_link, s.note"
)
_TREATMENT_COLUMNS = (
    "id, slug, name, category, approach, invasiveness, synonyms, mechanism, plain_mechanism, "
    "plain_summary, delivered_by, patient_commitment, onset_weeks_min, onset_weeks_max, course, "
    "duration_of_effect, duration_weeks_min, duration_weeks_max, timeframe_note, "
    "regulatory_note, last_reviewed, plain_delivered_by, plain_course, "
    "plain_duration_of_effect, plain_regulatory_note, plain_name"
)
_FINDING_COLUMNS = (
    "f.id, c.slug, f.outcome, f.comparison, f.certainty, f.direction, f.effect, f.plain_effect, "
    "f.timepoint, f.certainty_note, f.timepoint_weeks, f.est_measure, f.est_value, f.est_ci_low, "
    "f.est_ci_high, f.est_scale, f.est_better, f.est_mcid, f.est_participants, f.est_studies, "
    "f.plain_timepoint"
)
_BEST_PER_CONDITION = """
    SELECT f.treatment_id, c.slug, MAX(f.certainty_rank)
    FROM finding f JOIN condition c ON c.id = f.condition_id
    GROUP BY f.treatment_id, c.slug
"""
_DIRECTIONS_PER_CONDITION = """
    SELECT f.treatment_id, c.slug, f.direction
    FROM finding f JOIN condition c ON c.id = f.condition_id
    GROUP BY f.treatment_id, c.slug, f.direction
"""


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _strings(value: Any) -> tuple[str, ...]:
    """A JSON list column: text on SQLite, already decoded on other engines."""
    if value is None:
        return ()
    items = json.loads(value) if isinstance(value, str | bytes) else value
    return tuple(str(item) for item in items)


def _source(row: Row) -> d.SourceRef:
    key, kind, peer, citation, year, pmid, doi, url, industry, note = row
    return d.SourceRef(
        id=key,
        kind=SourceKind(kind),
        peer_reviewed=bool(peer),
        citation=citation,
        year=year,
        pmid=pmid,
        doi=doi,
        url=url,
        industry_link=bool(industry),
        note=note,
    )


class KnowledgeRepository:
    """Queries over one connection to the knowledge-base database."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch

    @classmethod
    def over_session(cls, session: Session) -> KnowledgeRepository:
        from sqlalchemy import text

        def fetch(sql: str, params: Mapping[str, Any]) -> list[Row]:
            return [tuple(r) for r in session.execute(text(sql), dict(params)).all()]

        return cls(fetch)

    @classmethod
    def over_sqlite(cls, connection: sqlite3.Connection) -> KnowledgeRepository:
        def fetch(sql: str, params: Mapping[str, Any]) -> list[Row]:
            return connection.execute(sql, dict(params)).fetchall()

        return cls(fetch)

    def _rows(self, sql: str, **params: Any) -> list[Row]:
        return self._fetch(sql, params)

    def _linked_sources(self, link_table: str, owner_ids: Iterable[int]) -> dict[int, list[str]]:
        """Source ids per owner row, in their listed order."""
        found = self._sources_of(link_table, owner_ids)
        return {owner: [s.id for s in sources] for owner, sources in found.items()}

    def _sources_by_key(self, keys: Sequence[str]) -> list[d.SourceRef]:
        if not keys:
            return []
        marks = ", ".join(f":k{i}" for i in range(len(keys)))
        rows = self._fetch(
            f"SELECT {_SOURCE_COLUMNS} FROM source s WHERE s.key IN ({marks})",
            {f"k{i}": key for i, key in enumerate(keys)},
        )
        by_key = {row[0]: _source(row) for row in rows}
        return [by_key[key] for key in keys if key in by_key]

    def _sources_of(
        self, link_table: str, owner_ids: Iterable[int]
    ) -> dict[int, list[d.SourceRef]]:
        ids = sorted(set(owner_ids))
        if not ids:
            return {}
        marks = ", ".join(f":o{i}" for i in range(len(ids)))
        rows = self._fetch(
            f"SELECT l.owner_id, {_SOURCE_COLUMNS} FROM {link_table} l "
            f"JOIN source s ON s.id = l.source_id WHERE l.owner_id IN ({marks}) "
            "ORDER BY l.owner_id, l.position",
            {f"o{i}": owner for i, owner in enumerate(ids)},
        )
        found: dict[int, list[d.SourceRef]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(_source(row[1:]))
        return found

    def _plain_names(self) -> dict[str, str]:
        """Slug -> plain name of every treatment, for the links of the reference views."""
        return {slug: name for slug, name in self._rows("SELECT slug, plain_name FROM treatment")}

    # --- queries --------------------------------------------------------------------------
    def info(self) -> d.KnowledgeBaseInfo | None:
        rows = self._rows(
            "SELECT kb_version, title, last_reviewed, evidence_current_to, update_policy, "
            "funding, conflicts_of_interest, authorship, reading_level, disclaimer, "
            "content_origin FROM kb_meta WHERE id = 1"
        )
        if not rows:
            return None
        (
            version,
            title,
            reviewed,
            current_to,
            policy,
            funding,
            coi,
            authorship,
            reading,
            disclaimer,
            origin,
        ) = rows[0]
        return d.KnowledgeBaseInfo(
            kb_version=version,
            title=title,
            last_reviewed=_date(reviewed),
            evidence_current_to=current_to,
            update_policy=policy,
            funding=funding,
            conflicts_of_interest=coi,
            authorship=authorship,
            reading_level=reading,
            disclaimer=disclaimer,
            content_origin=origin,
        )

    def conditions(self) -> list[d.Condition]:
        rows = self._rows(
            "SELECT slug, name, plain_name, description, plain_description FROM condition "
            "ORDER BY position"
        )
        return [d.Condition(*row) for row in rows]

    def treatment_summaries(self) -> list[d.TreatmentSummary]:
        """Catalog rows, with the best certainty of any finding per condition and the
        directions (benefit, no benefit…) of all findings for that condition, so a summary
        can say "mixed" whenever the findings disagree."""
        rank_to_certainty = {c.rank: c for c in Certainty}
        best: dict[int, dict[str, Certainty]] = {}
        directions: dict[int, dict[str, set[Direction]]] = {}
        for treatment_id, condition, rank in self._rows(_BEST_PER_CONDITION):
            best.setdefault(treatment_id, {})[condition] = rank_to_certainty[rank]
        for treatment_id, condition, direction in self._rows(_DIRECTIONS_PER_CONDITION):
            directions.setdefault(treatment_id, {}).setdefault(condition, set()).add(
                Direction(direction)
            )
        conditions: dict[int, list[str]] = {}
        for treatment_id, slug in self._rows(
            "SELECT tc.treatment_id, c.slug FROM treatment_condition tc "
            "JOIN condition c ON c.id = tc.condition_id ORDER BY tc.treatment_id, tc.position"
        ):
            conditions.setdefault(treatment_id, []).append(slug)
        rows = self._rows(
            "SELECT id, slug, name, category, approach, invasiveness, synonyms, plain_summary, "
            "mechanism, plain_name FROM treatment ORDER BY position"
        )
        return [
            d.TreatmentSummary(
                slug=slug,
                name=name,
                category=category,
                approach=Approach(approach),
                invasiveness=Invasiveness(invasiveness),
                conditions=tuple(conditions.get(tid, ())),
                synonyms=_strings(synonyms),
                plain_name=plain_name,
                plain_summary=plain_summary,
                mechanism=mechanism,
                best_certainty=best.get(tid, {}),
                best_directions={c: frozenset(v) for c, v in directions.get(tid, {}).items()},
            )
            for (
                tid,
                slug,
                name,
                category,
                approach,
                invasiveness,
                synonyms,
                plain_summary,
                mechanism,
                plain_name,
            ) in rows
        ]

    def treatment(self, slug: str) -> d.Treatment | None:
        rows = self._rows(
            f"SELECT {_TREATMENT_COLUMNS} FROM treatment WHERE slug = :slug", slug=slug
        )
        if not rows:
            return None
        (
            tid,
            slug,
            name,
            category,
            approach,
            invasiveness,
            synonyms,
            mechanism,
            plain_mechanism,
            plain_summary,
            delivered_by,
            commitment,
            onset_min,
            onset_max,
            course,
            duration,
            duration_min,
            duration_max,
            timeframe_note,
            regulatory,
            reviewed,
            plain_delivered_by,
            plain_course,
            plain_duration,
            plain_regulatory,
            plain_name,
        ) = rows[0]
        conditions = tuple(
            r[0]
            for r in self._rows(
                "SELECT c.slug FROM treatment_condition tc "
                "JOIN condition c ON c.id = tc.condition_id "
                "WHERE tc.treatment_id = :tid ORDER BY tc.position",
                tid=tid,
            )
        )
        finding_rows = self._rows(
            f"SELECT {_FINDING_COLUMNS} FROM finding f JOIN condition c ON c.id = f.condition_id "
            "WHERE f.treatment_id = :tid ORDER BY f.position",
            tid=tid,
        )
        harm_rows = self._rows(
            "SELECT id, description, plain_description, frequency, serious, plain_frequency "
            "FROM harm "
            "WHERE treatment_id = :tid ORDER BY position",
            tid=tid,
        )
        guideline_rows = self._rows(
            "SELECT id, body, stance, text, plain_text FROM guideline WHERE treatment_id = :tid "
            "ORDER BY position",
            tid=tid,
        )
        finding_sources = self._linked_sources("finding_source", (r[0] for r in finding_rows))
        harm_sources = self._linked_sources("harm_source", (r[0] for r in harm_rows))
        guideline_sources = self._linked_sources("guideline_source", (r[0] for r in guideline_rows))
        findings = tuple(
            d.Finding(
                treatment_slug=slug,
                condition=r[1],
                outcome=r[2],
                comparison=r[3],
                certainty=Certainty(r[4]),
                direction=Direction(r[5]),
                effect=r[6],
                plain_effect=r[7],
                timepoint=r[8],
                plain_timepoint=r[20],
                sources=tuple(finding_sources.get(r[0], [])),
                certainty_note=r[9],
                timepoint_weeks=r[10],
                estimate=None
                if r[11] is None
                else d.Estimate(
                    measure=r[11],
                    value=r[12] or 0.0,
                    ci_low=r[13],
                    ci_high=r[14],
                    scale=r[15] or "",
                    better=r[16] or "",
                    mcid=r[17],
                    participants=r[18],
                    studies=r[19],
                ),
            )
            for r in finding_rows
        )
        harms = tuple(
            d.Harm(
                description=r[1],
                plain_description=r[2],
                frequency=r[3],
                plain_frequency=r[5],
                serious=bool(r[4]),
                sources=tuple(harm_sources.get(r[0], [])),
            )
            for r in harm_rows
        )
        guidelines = tuple(
            d.GuidelinePosition(
                body=r[1],
                stance=r[2],
                position=r[3],
                plain_position=r[4],
                sources=tuple(guideline_sources.get(r[0], [])),
            )
            for r in guideline_rows
        )
        cited: dict[str, None] = {}
        for keys in (
            *(f.sources for f in findings),
            *(h.sources for h in harms),
            *(g.sources for g in guidelines),
        ):
            for key in keys:
                cited.setdefault(key)
        return d.Treatment(
            slug=slug,
            name=name,
            plain_name=plain_name,
            category=category,
            approach=Approach(approach),
            invasiveness=Invasiveness(invasiveness),
            synonyms=_strings(synonyms),
            mechanism=mechanism,
            plain_mechanism=plain_mechanism,
            plain_summary=plain_summary,
            conditions=conditions,
            delivered_by=delivered_by,
            plain_delivered_by=plain_delivered_by,
            patient_commitment=commitment,
            timeframe=d.Timeframe(
                onset_weeks_min=onset_min,
                onset_weeks_max=onset_max,
                course=course,
                plain_course=plain_course,
                duration_of_effect=duration,
                plain_duration_of_effect=plain_duration,
                duration_weeks_min=duration_min,
                duration_weeks_max=duration_max,
                note=timeframe_note,
            ),
            harms=harms,
            regulatory_note=regulatory,
            plain_regulatory_note=plain_regulatory,
            guidelines=guidelines,
            findings=findings,
            sources=tuple(self._sources_by_key(list(cited))),
            last_reviewed=_date(reviewed),
        )

    def statistics(self) -> list[d.Statistic]:
        rows = self._rows(
            "SELECT key, label, value, unit, denominator, population, timeframe, value_low, "
            "value_high, note, seed_claim, verdict, source_id, read_in_source_id, of_people, "
            "plain_label, plain_population FROM statistic ORDER BY position"
        )
        ids = {r[12] for r in rows} | {r[13] for r in rows if r[13] is not None}
        sources: dict[int, d.SourceRef] = {}
        if ids:
            marks = ", ".join(f":s{i}" for i in range(len(ids)))
            for row in self._fetch(
                f"SELECT s.id, {_SOURCE_COLUMNS} FROM source s WHERE s.id IN ({marks})",
                {f"s{i}": sid for i, sid in enumerate(sorted(ids))},
            ):
                sources[row[0]] = _source(row[1:])
        return [
            d.Statistic(
                id=r[0],
                label=r[1],
                plain_label=r[15],
                value=r[2],
                unit=r[3],
                denominator=r[4],
                population=r[5],
                plain_population=r[16],
                timeframe=r[6],
                source=sources[r[12]],
                value_low=r[7],
                value_high=r[8],
                note=r[9],
                seed_claim=r[10],
                verdict=r[11],
                read_in=sources.get(r[13]) if r[13] is not None else None,
                of_people=bool(r[14]),
            )
            for r in rows
        ]

    def glossary(self) -> list[d.GlossaryEntry]:
        rows = self._rows(
            "SELECT term, definition, plain_definition, synonyms, treatment_slugs "
            "FROM glossary_entry ORDER BY position"
        )
        plain_names = self._plain_names()
        return [
            d.GlossaryEntry(
                term=r[0],
                definition=r[1],
                plain_definition=r[2],
                synonyms=_strings(r[3]),
                treatments=_strings(r[4]),
                plain_treatment_names=tuple(plain_names.get(s, "") for s in _strings(r[4])),
            )
            for r in rows
        ]

    def faq(self) -> list[d.FaqEntry]:
        rows = self._rows(
            "SELECT id, question, answer, plain_answer, plain_question FROM faq ORDER BY position"
        )
        sources = self._sources_of("faq_source", (r[0] for r in rows))
        return [
            d.FaqEntry(
                question=r[1],
                plain_question=r[4],
                answer=r[2],
                plain_answer=r[3],
                sources=tuple(sources.get(r[0], [])),
            )
            for r in rows
        ]

    def pathway(self) -> list[d.PathwayStep]:
        rows = self._rows(
            "SELECT id, step, title, plain_title, description, plain_description, "
            "escalation_criteria, treatment_slugs, plain_escalation_criteria "
            "FROM pathway_step ORDER BY step"
        )
        sources = self._sources_of("pathway_step_source", (r[0] for r in rows))
        plain_names = self._plain_names()
        return [
            d.PathwayStep(
                step=r[1],
                title=r[2],
                plain_title=r[3],
                description=r[4],
                plain_description=r[5],
                escalation_criteria=_strings(r[6]),
                treatments=_strings(r[7]),
                sources=tuple(sources.get(r[0], [])),
                plain_escalation_criteria=_strings(r[8]),
                plain_treatment_names=tuple(plain_names.get(s, "") for s in _strings(r[7])),
            )
            for r in rows
        ]
