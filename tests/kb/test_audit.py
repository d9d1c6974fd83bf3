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
from explorer.domain.comparison import stance_text
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


def _placeholder_reason(reason: str) -> Callable[[dict[str, Any]], None]:
    def breaks(doc: dict[str, Any]) -> None:
        source = _source(doc, "hayden-2021")
        source["doi"], source["no_identifier_reason"] = None, reason

    return breaks


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


def _step_without_red_flags(doc: dict[str, Any]) -> None:
    step = doc["pathway"][2]
    step["escalation_criteria"][0] = "Red flags mean immediate referral (cauda equina symptoms)."
    step["plain_escalation_criteria"][0] = "Warning signs mean you need a doctor right away."


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
    (
        "pathway-red-flags",
        _step_without_red_flags,
        "warning",
        "pathway[step 3]",
        "escalation_criteria",
    ),
    ("scope", _no_scope, "warning", "meta", "scope"),
]


def test_every_rule_has_a_test() -> None:
    assert sorted(rule for rule, *_ in BREAKS) == sorted(RULES)


TODAY = dt.date(2027, 1, 1)


@pytest.mark.parametrize(
    "reason",
    [
        "PMID and DOI not yet looked up for this knowledge base",
        "PMID and DOI were not retrieved; the citation identifies the paper.",
        "DOI not found; journal, volume and pages are given",
        "The PMID could not be found in the sources read",
        "Not looked up",
        "TODO",
        "tbd: find the DOI later",
        "unknown",
    ],
)
def test_a_placeholder_is_no_reason_for_a_missing_identifier(raw_document, reason) -> None:
    doc = copy.deepcopy(raw_document)
    _placeholder_reason(reason)(doc)
    report = audit(KnowledgeDocument.model_validate(doc), today=TODAY)
    assert [(f.rule, f.entry, f.field) for f in report.findings] == [
        ("identifier", "sources[hayden-2021]", "no_identifier_reason")
    ]
    assert "placeholder" in report.findings[0].message and not report.passed(strict=True)


def test_a_real_reason_for_a_missing_identifier_passes(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    _placeholder_reason("Conference abstract, not indexed in PubMed and without a DOI")(doc)
    assert audit(KnowledgeDocument.model_validate(doc), today=TODAY).findings == ()


def test_an_unverified_guideline_position_is_a_note_that_never_fails(
    raw_document, tmp_path: Path, capsys
) -> None:
    doc = copy.deepcopy(raw_document)
    who = next(g for g in _treatment(doc, "tens")["guidelines"] if g["body"] == "WHO 2023")
    who["stance"] = "not verified"
    document = KnowledgeDocument.model_validate(doc)
    report = audit(document, today=TODAY)
    index = _treatment(doc, "tens")["guidelines"].index(who)
    tens = [n for n in report.notes if n.entry == "treatments[tens]"]
    assert [(n.rule, n.severity, n.entry, n.field) for n in tens] == [
        ("guideline-not-verified", "note", "treatments[tens]", f"guidelines[{index}].stance")
    ]
    assert report.findings == () and report.passed(strict=True)
    path = tmp_path / "kb.json"
    path.write_text(document.model_dump_json(), encoding="utf-8")
    assert main(["kb", "audit", "--strict", "--json", str(path)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["passed"] is True and shown["warnings"] == 0
    assert {
        "rule": "guideline-not-verified",
        "severity": "note",
        "entry": "treatments[tens]",
    }.items() <= next(n for n in shown["notes"] if n["entry"] == "treatments[tens]").items()
    assert main(["kb", "audit", "--strict", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"note: treatments[tens].guidelines[{index}].stance" in out and "0 warning(s)" in out
    assert stance_text("not verified", plain=True) == "Not checked yet"


def test_the_shipped_content_passes_the_strict_audit(shipped_document) -> None:
    report = audit(shipped_document, today=TODAY)
    assert report.findings == (), "\n".join(map(str, report.findings))
    assert all(n.rule == "guideline-not-verified" for n in report.notes)


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


def test_auditing_an_unreadable_file_says_invalid_not_refused(tmp_path, capsys) -> None:
    """An audit only reads: a file it cannot read is 'invalid', not an import that was
    'refused' with 'nothing was changed'."""
    from explorer.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "x"}', encoding="utf-8")
    assert main(["kb", "audit", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "invalid: 5 problem(s)" in err
    assert "nothing was changed" not in err


def test_a_pathway_red_flag_reference_must_keep_its_plain_sentence_in_step(raw_document) -> None:
    """The reference to the red flags list and its plain counterpart sit at the same place:
    a plain list reordered against the clinician list no longer pairs them."""
    doc = copy.deepcopy(raw_document)
    plain = doc["pathway"][1]["plain_escalation_criteria"]
    plain.append(plain.pop(0))
    report = audit(KnowledgeDocument.model_validate(doc), today=TODAY)
    assert [(f.rule, f.entry, f.field) for f in report.findings] == [
        ("pathway-red-flags", "pathway[step 2]", "escalation_criteria")
    ]
