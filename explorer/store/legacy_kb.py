"""One-off reader of a knowledge base in the layout of the retired Alembic chain.

Up to revision 0006 the knowledge base was 17 tables. A data folder (or server schema) still
in that layout is converted once, when this version first opens it
(:func:`explorer.store.kb_tables.install`): content built from the shipped files is simply
built again; imported content at revision 0006 is read here, in plain SQL, into a document,
validated, and written in the new layout. Imported content at an older revision cannot make
a valid document of the current format (it lacks the plain-language fields): it is kept
aside, never deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text

log = logging.getLogger(__name__)

CONVERTIBLE = "0006"
TABLES = (
    "finding_source",
    "harm_source",
    "guideline_source",
    "pathway_step_source",
    "faq_source",
    "finding",
    "harm",
    "guideline",
    "treatment_condition",
    "statistic",
    "pathway_step",
    "glossary_entry",
    "faq",
    "treatment",
    "source",
    "condition",
    "kb_meta",
)
"""The old tables, children before parents."""


def convert(
    connection: Connection, revision: str | None, where: Path | None
) -> tuple[dict[str, Any], str, str] | None:
    """The imported document of an old knowledge base, its origin and fingerprint; None when
    there is nothing to keep (empty, or built from the shipped content) or it cannot be
    converted (then it is kept aside first, with a warning)."""
    from explorer.store.kb_tables import SHIPPED_ORIGIN

    if not inspect(connection).has_table("kb_meta"):
        return None
    meta = connection.execute(
        text("SELECT content_origin, content_fingerprint FROM kb_meta WHERE id = 1")
    ).first()
    if meta is None or meta[0] == SHIPPED_ORIGIN:
        return None
    origin, fingerprint = str(meta[0]), str(meta[1])
    problem = f"it is at the old revision {revision}, from before plain-language fields"
    if revision == CONVERTIBLE:
        from pydantic import ValidationError

        from explorer.kb.schema import KnowledgeDocument
        from explorer.kb.upgrade import upgrade_document
        from explorer.kb.validate import cross_check

        try:
            # revision 0006 held a document of format 3: upgraded by the steps since
            document = KnowledgeDocument.model_validate(
                upgrade_document({**read_document(connection), "format_version": 3})
            )
            problems = cross_check(document)
        except ValidationError as exc:
            first = ".".join(str(p) for p in exc.errors()[0]["loc"])
            problem = f"{exc.error_count()} field(s) are empty or invalid, first {first}"
        else:
            if not problems:
                log.info("converted the imported knowledge base (%s) to one document", origin)
                return document.model_dump(mode="json"), origin, fingerprint
            problem = f"{len(problems)} problem(s), first {problems[0]}"
    give_up(origin, problem, where)
    return None


def give_up(origin: str, problem: str, where: Path | None) -> None:
    """Keep an imported knowledge base that cannot be converted aside (SQLite: a verified
    copy of the file; a server keeps its old tables), and say so."""
    kept = _keep_aside(where)
    log.warning(
        "The knowledge base in use was %s but could not be converted to this version's format "
        "(%s). %s It is replaced by the content shipped with the application; import a current "
        "knowledge-base file again (`explorer kb import FILE`; `explorer kb validate FILE` lists "
        "what a file lacks).",
        origin,
        problem,
        f"The old file is kept as {kept}." if kept else "Its old tables are kept on the server.",
    )


def _keep_aside(where: Path | None) -> Path | None:
    if where is None:
        return None
    from explorer.store.sqlite_copy import copy_database

    aside = where.with_name(f"{where.name}.before-upgrade-{dt.datetime.now():%Y-%m-%dT%H%M%S}")
    number = 1
    while aside.exists():
        number += 1
        aside = aside.with_name(f"{aside.name.rsplit('~', 1)[0]}~{number}")
    copy_database(where, aside)
    return aside


def drop_tables(connection: Connection) -> None:
    """Remove the old tables (on SQLite, once converted or kept aside)."""
    present = set(inspect(connection).get_table_names())
    for name in TABLES:
        if name in present:
            connection.execute(text(f"DROP TABLE {name}"))


def _list(value: Any) -> list[Any]:
    """A JSON column: text on SQLite, already decoded on PostgreSQL."""
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str | bytes) else value)


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _rows(connection: Connection, sql: str) -> list[Any]:
    return [r._mapping for r in connection.execute(text(sql))]


def _links(connection: Connection, table: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for row in _rows(
        connection,
        f"SELECT l.owner_id, s.key FROM {table} l JOIN source s ON s.id = l.source_id "
        "ORDER BY l.owner_id, l.position",
    ):
        found.setdefault(row["owner_id"], []).append(row["key"])
    return found


def read_document(connection: Connection) -> dict[str, Any]:
    """The knowledge base of revision 0006 as a document (not yet validated)."""
    meta = dict(_rows(connection, "SELECT * FROM kb_meta WHERE id = 1")[0])
    meta_fields = (
        "kb_version",
        "title",
        "evidence_current_to",
        "update_policy",
        "funding",
        "conflicts_of_interest",
        "authorship",
        "reading_level",
        "disclaimer",
    )
    conditions = _rows(connection, "SELECT * FROM condition ORDER BY position")
    condition_slug = {c["id"]: c["slug"] for c in conditions}
    sources = _rows(connection, "SELECT * FROM source ORDER BY position")
    source_key = {s["id"]: s["key"] for s in sources}
    links = {
        name: _links(connection, f"{name}_source")
        for name in ("finding", "harm", "guideline", "pathway_step", "faq")
    }
    by_treatment: dict[str, dict[int, list[Mapping[str, Any]]]] = {}
    for table in ("treatment_condition", "harm", "guideline", "finding"):
        found: dict[int, list[Mapping[str, Any]]] = {}
        for row in _rows(connection, f"SELECT * FROM {table} ORDER BY treatment_id, position"):
            found.setdefault(row["treatment_id"], []).append(row)
        by_treatment[table] = found

    def treatment(t: Mapping[str, Any]) -> dict[str, Any]:
        tid = t["id"]
        return {
            "slug": t["slug"],
            "name": t["name"],
            "plain_name": t["plain_name"],
            "category": t["category"],
            "approach": t["approach"],
            "invasiveness": t["invasiveness"],
            "synonyms": _list(t["synonyms"]),
            "mechanism": t["mechanism"],
            "plain_mechanism": t["plain_mechanism"],
            "plain_summary": t["plain_summary"],
            "conditions": [
                condition_slug[r["condition_id"]]
                for r in by_treatment["treatment_condition"].get(tid, [])
            ],
            "delivered_by": t["delivered_by"],
            "plain_delivered_by": t["plain_delivered_by"],
            "patient_commitment": t["patient_commitment"],
            "timeframe": {
                "onset_weeks_min": t["onset_weeks_min"],
                "onset_weeks_max": t["onset_weeks_max"],
                "course": t["course"],
                "plain_course": t["plain_course"],
                "duration_of_effect": t["duration_of_effect"],
                "plain_duration_of_effect": t["plain_duration_of_effect"],
                "duration_weeks_min": t["duration_weeks_min"],
                "duration_weeks_max": t["duration_weeks_max"],
                "note": t["timeframe_note"],
            },
            "harms": [
                {
                    "description": h["description"],
                    "plain_description": h["plain_description"],
                    "frequency": h["frequency"],
                    "plain_frequency": h["plain_frequency"],
                    "serious": bool(h["serious"]),
                    "sources": links["harm"].get(h["id"], []),
                }
                for h in by_treatment["harm"].get(tid, [])
            ],
            "regulatory_note": t["regulatory_note"],
            "plain_regulatory_note": t["plain_regulatory_note"],
            "guidelines": [
                {
                    "body": g["body"],
                    "stance": g["stance"],
                    "position": g["text"],
                    "plain_position": g["plain_text"],
                    "sources": links["guideline"].get(g["id"], []),
                }
                for g in by_treatment["guideline"].get(tid, [])
            ],
            "findings": [finding(f) for f in by_treatment["finding"].get(tid, [])],
            "last_reviewed": _date(t["last_reviewed"]),
        }

    def finding(f: Mapping[str, Any]) -> dict[str, Any]:
        estimate = None
        if f["est_measure"] is not None:
            estimate = {
                "measure": f["est_measure"],
                "value": f["est_value"],
                "ci_low": f["est_ci_low"],
                "ci_high": f["est_ci_high"],
                "scale": f["est_scale"],
                "better": f["est_better"],
                "mcid": f["est_mcid"],
                "participants": f["est_participants"],
                "studies": f["est_studies"],
            }
        return {
            "condition": condition_slug[f["condition_id"]],
            "outcome": f["outcome"],
            "comparison": f["comparison"],
            "certainty": f["certainty"],
            "certainty_note": f["certainty_note"],
            "direction": f["direction"],
            "effect": f["effect"],
            "plain_effect": f["plain_effect"],
            "timepoint": f["timepoint"],
            "plain_timepoint": f["plain_timepoint"],
            "timepoint_weeks": f["timepoint_weeks"],
            "estimate": estimate,
            "sources": links["finding"].get(f["id"], []),
        }

    return {
        "meta": {
            **{name: meta[name] for name in meta_fields},
            "last_reviewed": _date(meta["last_reviewed"]),
        },
        "conditions": [
            {k: c[k] for k in ("slug", "name", "plain_name", "description", "plain_description")}
            for c in conditions
        ],
        "sources": [
            {
                "id": s["key"],
                "kind": s["kind"],
                "peer_reviewed": bool(s["peer_reviewed"]),
                "industry_link": bool(s["industry_link"]),
                **{k: s[k] for k in ("citation", "year", "pmid", "doi", "url", "note")},
            }
            for s in sources
        ],
        "treatments": [
            treatment(t) for t in _rows(connection, "SELECT * FROM treatment ORDER BY position")
        ],
        "statistics": [
            {
                "id": st["key"],
                **{
                    k: st[k]
                    for k in (
                        "label",
                        "plain_label",
                        "plain_population",
                        "value",
                        "value_low",
                        "value_high",
                        "unit",
                        "denominator",
                    )
                },
                "of_people": bool(st["of_people"]),
                "population": st["population"],
                "timeframe": st["timeframe"],
                "source": source_key[st["source_id"]],
                "read_in": source_key.get(st["read_in_source_id"]),
                **{k: st[k] for k in ("note", "seed_claim", "verdict")},
            }
            for st in _rows(connection, "SELECT * FROM statistic ORDER BY position")
        ],
        "pathway": [
            {
                **{
                    k: p[k]
                    for k in ("step", "title", "plain_title", "description", "plain_description")
                },
                "escalation_criteria": _list(p["escalation_criteria"]),
                "plain_escalation_criteria": _list(p["plain_escalation_criteria"]),
                "treatments": _list(p["treatment_slugs"]),
                "sources": links["pathway_step"].get(p["id"], []),
            }
            for p in _rows(connection, "SELECT * FROM pathway_step ORDER BY step")
        ],
        "glossary": [
            {
                "term": g["term"],
                "definition": g["definition"],
                "plain_definition": g["plain_definition"],
                "synonyms": _list(g["synonyms"]),
                "treatments": _list(g["treatment_slugs"]),
            }
            for g in _rows(connection, "SELECT * FROM glossary_entry ORDER BY position")
        ],
        "faq": [
            {
                **{k: q[k] for k in ("question", "plain_question", "answer", "plain_answer")},
                "sources": links["faq"].get(q["id"], []),
            }
            for q in _rows(connection, "SELECT * FROM faq ORDER BY position")
        ],
    }
