"""Format 4: funding, replacements, early stopping, harm causation and regulator warnings,
guideline body names, red flags and the scope statement; a format-3 document is upgraded."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from explorer.kb.content_errors import ContentError
from explorer.kb.files import RawContent
from explorer.kb.validate import body_name, validate_raw


@pytest.fixture(scope="module")
def raw_document(shipped_document) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return shipped_document.model_dump(mode="json")


def _problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ContentError) as caught:
        validate_raw(RawContent(doc, {}, "kb"))
    return [str(p) for p in caught.value.problems]


def _source(doc: dict[str, Any], source_id: str) -> dict[str, Any]:
    return next(s for s in doc["sources"] if s["id"] == source_id)


def test_a_format_3_document_is_upgraded_saying_funding_and_causation_are_unknown(
    raw_document,
) -> None:
    doc = copy.deepcopy(raw_document)
    doc["format_version"] = 3
    for source in doc["sources"]:
        for key in ("funding", "funder", "replaces", "stopped_early_for_benefit"):
            source.pop(key)
        source.pop("no_identifier_reason")
    for treatment in doc["treatments"]:
        for harm in treatment["harms"]:
            for key in ("causation", "certainty", "regulator_warning"):
                harm.pop(key)
        for finding in treatment["findings"]:
            finding.pop("analysis")
    doc.pop("red_flags")
    for key in ("scope", "plain_scope", "review_interval_months"):
        doc["meta"].pop(key)

    document = validate_raw(RawContent(doc, {}, "kb"))

    assert document.format_version == 4
    assert {s.funding.value for s in document.sources} == {"not reported"}
    assert {h.causation.value for t in document.treatments for h in t.harms} == {"not established"}
    assert document.red_flags == [] and document.meta.scope is None
    assert "funding" not in doc["sources"][0]  # the raw data is not changed in place


def test_industry_funding_needs_the_industry_flag(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    source = _source(doc, "hayden-2021")
    source["funding"], source["industry_link"] = "mixed", False
    (problem,) = _problems(doc)
    assert "'hayden-2021'" in problem and "industry_link" in problem and "mixed" in problem


@pytest.mark.parametrize(
    ("replaces", "message"),
    [
        (["no-such-source"], "unknown source 'no-such-source'"),
        (["hayden-2021"], "cannot replace itself"),
        (["owen-2020", "owen-2020"], "listed twice"),
    ],
)
def test_a_replacement_names_another_existing_source(raw_document, replaces, message) -> None:
    doc = copy.deepcopy(raw_document)
    _source(doc, "hayden-2021")["replaces"] = replaces
    (problem,) = _problems(doc)
    assert "'hayden-2021'" in problem and "replaces" in problem and message in problem


def test_sources_cannot_replace_each_other_in_a_circle(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    _source(doc, "hayden-2021")["replaces"] = ["owen-2020"]
    _source(doc, "owen-2020")["replaces"] = ["fernandez-2015"]
    _source(doc, "fernandez-2015")["replaces"] = ["hayden-2021"]
    (problem,) = _problems(doc)
    assert "in a circle" in problem and "replaces" in problem
    for source_id in ("hayden-2021", "owen-2020", "fernandez-2015"):
        assert source_id in problem


def test_a_long_chain_of_replacements_is_not_a_circle(raw_document) -> None:
    """(Checked without recursion: a chain of thousands of updates is fine.)"""
    doc = copy.deepcopy(raw_document)
    template = _source(doc, "hayden-2021")
    chain = [
        {**template, "id": f"update-{n}", "replaces": [f"update-{n - 1}"]} for n in range(3000)
    ]
    chain[0]["replaces"] = []
    doc["sources"] += chain
    validate_raw(RawContent(doc, {}, "kb"))


def test_a_harm_a_regulator_warns_of_is_serious(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    index = next(i for i, t in enumerate(doc["treatments"]) if t["slug"] == "heat-and-cold")
    harm = doc["treatments"][index]["harms"][0]
    harm["regulator_warning"], harm["serious"] = "FDA warning (2099)", False
    (problem,) = _problems(doc)
    assert f"treatments[{index}] 'heat-and-cold'" in problem
    assert "harms[0].serious" in problem and "mark it serious" in problem


@pytest.mark.parametrize(
    "body",
    ["NICE", "NICE NG 59", "nice ng59", "WHO", "WHO (2023)", "American College of Physicians"],
)
def test_the_three_guidelines_are_spelled_exactly(raw_document, body) -> None:
    doc = copy.deepcopy(raw_document)
    doc["treatments"][0]["guidelines"][0]["body"] = body
    (problem,) = _problems(doc)
    assert "guidelines[0].body" in problem and "exactly" in problem


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("NICE NG59", "NICE NG59"),
        ("NICE NG59 (sciatica)", "NICE NG59"),
        ("WHO 2023", "WHO 2023"),
        ("ACP 2017", "ACP 2017"),
        ("NASS 2014 (lumbar disc herniation)", None),
        ("Lancet Low Back Pain Series 2018", None),
    ],
)
def test_body_names(body, name) -> None:
    assert body_name(body) == name


def test_a_red_flag_cites_known_sources_and_the_scope_has_plain_words(raw_document) -> None:
    doc = copy.deepcopy(raw_document)
    doc["red_flags"] = [
        {
            "text": "Saddle numbness",
            "plain_text": "Numb between the legs",
            "why": "Cauda equina syndrome.",
            "plain_why": "Nerves may be squeezed.",
            "sources": ["no-such-source"],
        }
    ]
    doc["meta"]["scope"], doc["meta"]["plain_scope"] = "Low back pain in adults.", None
    problems = _problems(doc)
    assert any("red_flags[0]" in p and "unknown source 'no-such-source'" in p for p in problems)
    assert any("plain_scope" in p and "both or neither" in p for p in problems)
