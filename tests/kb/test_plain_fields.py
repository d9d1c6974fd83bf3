"""Plain-language fields are required: content without them is refused, naming the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from explorer.kb.content_errors import ContentError
from explorer.kb.files import RawContent
from explorer.kb.validate import validate_raw


@pytest.fixture(scope="module")
def raw_document(shipped_document) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return shipped_document.model_dump(mode="json")


def _index(doc: dict[str, Any], *, with_regulatory_note: bool) -> int:
    return next(
        i
        for i, t in enumerate(doc["treatments"])
        if (t["regulatory_note"] is not None) is with_regulatory_note
    )


def _problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ContentError) as caught:
        validate_raw(RawContent(doc, {"treatments": ["kb.json"] * len(doc["treatments"])}, "kb"))
    return [str(p) for p in caught.value.problems]


REQUIRED = [
    ["plain_name"],
    ["plain_delivered_by"],
    ["timeframe", "plain_course"],
    ["timeframe", "plain_duration_of_effect"],
    ["harms", 0, "plain_frequency"],
    ["guidelines", 0, "plain_position"],
    ["findings", 0, "plain_timepoint"],
]


@pytest.mark.parametrize("path", REQUIRED, ids=[".".join(map(str, p)) for p in REQUIRED])
def test_a_treatment_without_a_plain_field_is_refused_naming_it(raw_document, path) -> None:
    doc = copy.deepcopy(raw_document)
    target = doc["treatments"][3]
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    (problem,) = _problems(doc)
    assert f"treatments[3] '{doc['treatments'][3]['slug']}' {field}" in problem
    assert "required field is missing" in problem


def test_an_empty_plain_field_is_refused(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    doc["treatments"][0]["timeframe"]["plain_course"] = "  "
    (problem,) = _problems(doc)
    assert "timeframe.plain_course" in problem


def test_a_regulatory_note_needs_its_plain_wording(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    i = _index(doc, with_regulatory_note=True)
    doc["treatments"][i]["plain_regulatory_note"] = None
    (problem,) = _problems(doc)
    assert f"treatments[{i}]" in problem and "plain_regulatory_note" in problem
    assert "required when regulatory_note is given" in problem


def test_plain_regulatory_wording_without_a_regulatory_note_is_refused(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    i = _index(doc, with_regulatory_note=False)
    doc["treatments"][i]["plain_regulatory_note"] = "Not approved."
    (problem,) = _problems(doc)
    assert "plain_regulatory_note" in problem and "without a regulatory_note" in problem


def test_every_escalation_criterion_has_its_plain_sentence(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    doc["pathway"][1]["plain_escalation_criteria"].pop()
    (problem,) = _problems(doc)
    assert "pathway[1]" in problem and "plain_escalation_criteria" in problem


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("statistics", "plain_label"),
        ("statistics", "plain_population"),
        ("faq", "plain_question"),
    ],
)
def test_statistics_and_questions_without_plain_wording_are_refused(
    raw_document, section, field
) -> None:
    doc = copy.deepcopy(raw_document)
    del doc[section][2][field]
    (problem,) = _problems(doc)
    assert f"{section}[2]" in problem and field in problem
    assert "required field is missing" in problem


@pytest.mark.parametrize("version", [1, 2])
def test_a_file_of_an_older_format_is_refused(raw_document, version) -> None:
    """Version 2 lacks plain names, statistic wording and FAQ questions (format 3)."""
    doc = copy.deepcopy(raw_document)
    doc["format_version"] = version
    assert any("format_version" in p for p in _problems(doc))


def test_a_version_2_file_is_refused_naming_every_missing_field(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    doc["format_version"] = 2
    for t in doc["treatments"]:
        del t["plain_name"]
    for st in doc["statistics"]:
        del st["plain_label"], st["plain_population"]
    for q in doc["faq"]:
        del q["plain_question"]
    problems = _problems(doc)
    missing = len(doc["treatments"]) + 2 * len(doc["statistics"]) + len(doc["faq"])
    assert sum("required field is missing" in p for p in problems) == missing


def test_no_duration_known_is_said_plainly_too(shipped_document) -> None:
    """Where the clinician text says "Not established", the plain text says no one knows."""
    for t in shipped_document.treatments:
        tf = t.timeframe
        if tf.duration_of_effect.lower().startswith("not established"):
            assert tf.plain_duration_of_effect.startswith("No one knows yet"), t.slug


def test_plain_statistic_wording_differs_from_the_clinician_wording(shipped_document) -> None:
    for st in shipped_document.statistics:
        assert st.plain_label != st.label, st.id
        assert st.plain_population != st.population, st.id


def test_plain_wording_differs_from_the_clinician_wording(shipped_document) -> None:
    """Plain fields are rewritten for patients, not copied (a copy would pass every check)."""
    for t in shipped_document.treatments:
        pairs = [
            (t.delivered_by, t.plain_delivered_by),
            (t.timeframe.course, t.timeframe.plain_course),
            (t.timeframe.duration_of_effect, t.timeframe.plain_duration_of_effect),
            (t.regulatory_note, t.plain_regulatory_note),
            *((h.frequency, h.plain_frequency) for h in t.harms),
            *((g.position, g.plain_position) for g in t.guidelines),
        ]
        for clinician, plain in pairs:
            assert clinician is None or clinician != plain, (t.slug, plain)


def test_an_older_file_is_accepted_once_an_upgrade_step_for_its_version_exists(
    raw_document, monkeypatch
) -> None:
    """The registry of explorer.kb.upgrade: a test-only step 2 → 3 that supplies what format 3
    added turns the refused version 2 file above into a valid document (as the next format
    change's step will, from version 3)."""
    from explorer.kb import upgrade

    doc = copy.deepcopy(raw_document)
    doc["format_version"] = 2
    for t in doc["treatments"]:
        del t["plain_name"]

    def plain_names(data: dict[str, Any]) -> dict[str, Any]:
        treatments = [{**t, "plain_name": t["name"][:80]} for t in data["treatments"]]
        return {**data, "treatments": treatments}

    monkeypatch.setitem(upgrade.STEPS, 2, plain_names)
    document = validate_raw(RawContent(doc, {}, "kb"))
    assert document.format_version == 4  # then the real step 3 → 4
    assert [t.plain_name for t in document.treatments] == [
        t["name"][:80] for t in raw_document["treatments"]
    ]
    assert doc["format_version"] == 2  # the raw data is not changed in place
    monkeypatch.delitem(upgrade.STEPS, 2)
    assert any("plain_name" in p for p in _problems(doc))  # no step: refused, as before
