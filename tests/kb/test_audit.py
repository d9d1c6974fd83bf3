"""``explorer kb audit``: the shipped content passes ``--strict``; a knowledge base with one
rule broken fails, naming the entry and the field; ``kb import`` shows the audit."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Field

from explorer.cli import main
from explorer.kb import schema
from explorer.kb.audit import RULES, audit
from explorer.kb.schema import KnowledgeDocument
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def raw_document(shipped_document) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return shipped_document.model_dump(mode="json")


def _treatment(doc: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(t for t in doc["treatments"] if t["slug"] == slug)


def _source(doc: dict[str, Any], source_id: str) -> dict[str, Any]:
    return next(s for s in doc["sources"] if s["id"] == source_id)


def _no_doi(doc: dict[str, Any]) -> None:
    _source(doc, "hayden-2021")["doi"] = None


def _funding_not_reported(doc: dict[str, Any]) -> None:
    source = _source(doc, "fischgrund-2018")
    source["funding"], source["funder"] = "not reported", None


def _stenosis_evidence_replaced(doc: dict[str, Any]) -> None:
    _source(doc, "hayden-2021")["replaces"] = ["friedly-2014"]


def _regulator_harm_not_serious(doc: dict[str, Any]) -> None:
    _treatment(doc, "epidural-steroid-injection")["harms"][0]["serious"] = False


def _no_who_position(doc: dict[str, Any]) -> None:
    tens = _treatment(doc, "tens")
    tens["guidelines"] = [g for g in tens["guidelines"] if g["body"] != "WHO 2023"]


def _synonym_without_evidence(doc: dict[str, Any]) -> None:
    _treatment(doc, "tens")["findings"] = []


def _dense_plain_text(doc: dict[str, Any]) -> None:
    _treatment(doc, "tens")["plain_summary"] = (
        "Transcutaneous electrical nerve stimulation demonstrates statistically "
        "insignificant intermediate-term efficacy regarding nociceptive symptomatology."
    )


def _old_review(doc: dict[str, Any]) -> None:
    _treatment(doc, "tens")["last_reviewed"] = "2019-01-01"


def _no_red_flags(doc: dict[str, Any]) -> None:
    doc["red_flags"] = []


def _no_scope(doc: dict[str, Any]) -> None:
    doc["meta"]["scope"] = doc["meta"]["plain_scope"] = None


def _long_glance(doc: dict[str, Any]) -> None:
    _treatment(doc, "tens")["glance_answer"] = " ".join(["word"] * 40)


class _TreatmentWithGlance(schema.Treatment):
    """A test-only word-limited field (the at-a-glance answers come in a later format)."""

    glance_answer: schema.Text | None = None


class _DocumentWithGlance(KnowledgeDocument):
    treatments: Annotated[list[_TreatmentWithGlance], Field(min_length=1, max_length=100_000)]


BREAKS: list[tuple[str, Callable[[dict[str, Any]], None], str, str, str]] = [
    ("identifier", _no_doi, "warning", "sources[hayden-2021]", "pmid"),
    ("funding", _funding_not_reported, "warning", "sources[fischgrund-2018]", "funding"),
    (
        "replaced-evidence",
        _stenosis_evidence_replaced,
        "warning",
        "treatments[epidural-steroid-injection]",
        "findings",
    ),
    (
        "regulator-warning",
        _regulator_harm_not_serious,
        "error",
        "treatments[epidural-steroid-injection]",
        "harms[0].serious",
    ),
    ("guideline-bodies", _no_who_position, "warning", "treatments[tens]", "guidelines"),
    ("synonym", _synonym_without_evidence, "warning", "treatments[tens]", "synonyms"),
    ("reading-level", _dense_plain_text, "warning", "treatments[tens]", "plain_summary"),
    ("word-limit", _long_glance, "warning", "treatments[tens]", "glance_answer"),
    ("review-date", _old_review, "warning", "treatments[tens]", "last_reviewed"),
    ("red-flags", _no_red_flags, "warning", "document", "red_flags"),
    ("scope", _no_scope, "warning", "meta", "scope"),
]


def test_every_rule_has_a_test() -> None:
    assert sorted(rule for rule, *_ in BREAKS) == sorted(RULES)


TODAY = dt.date(2027, 1, 1)


def test_the_shipped_content_passes_the_strict_audit(shipped_document) -> None:
    report = audit(shipped_document, today=TODAY)
    assert report.findings == (), "\n".join(map(str, report.findings))


@pytest.mark.parametrize(
    ("rule", "breaks", "severity", "entry", "field"), BREAKS, ids=[b[0] for b in BREAKS]
)
def test_a_rule_broken_once_fails_naming_entry_and_field(
    raw_document, rule, breaks, severity, entry, field
) -> None:
    doc = copy.deepcopy(raw_document)
    breaks(doc)
    document = _DocumentWithGlance.model_validate(doc)
    report = audit(document, today=TODAY)
    assert [(f.rule, f.severity, f.entry, f.field) for f in report.findings] == [
        (rule, severity, entry, field)
    ], "\n".join(map(str, report.findings))
    assert not report.passed(strict=True)
    assert report.passed(strict=False) is (severity == "warning")
    assert f"{entry}.{field}" in str(report.findings[0])


def test_the_command_runs_the_strict_audit_on_the_shipped_content(capsys) -> None:
    """(The test command runs this: ``explorer kb audit --strict db/knowledge``.)"""
    assert main(["kb", "audit", "--strict", str(CONTENT)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_the_command_fails_on_warnings_only_when_strict(tmp_path: Path, capsys) -> None:
    data = json.loads(
        KnowledgeDocument.model_validate(json.loads(json.dumps(_load_shipped()))).model_dump_json()
    )
    _no_red_flags(data)
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["kb", "audit", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning: document.red_flags: no red flags" in out and "passed" in out
    assert main(["kb", "audit", "--strict", "--json", str(path)]) == 1
    shown = json.loads(capsys.readouterr().out)
    assert shown["passed"] is False and shown["warnings"] == 1
    assert shown["findings"][0]["entry"] == "document"


def _load_shipped() -> dict[str, Any]:
    from explorer.kb.validate import load_document

    return load_document(CONTENT).model_dump(mode="json")


@pytest.mark.usefixtures("data_dir")
def test_import_shows_the_audit_and_warnings_do_not_block_it(tmp_path: Path, capsys) -> None:
    data = _load_shipped()
    _no_scope(data)
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "imported" in out and "warning: meta.scope: no scope statement" in out
    assert "audit: 0 error(s), 1 warning(s)" in out
    assert main(["kb", "audit", "--strict"]) == 1  # the knowledge base in use
    assert "meta.scope" in capsys.readouterr().out
