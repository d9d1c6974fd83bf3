"""Catalog filtering, without Qt."""

from __future__ import annotations

from explorer.domain.catalog import CatalogIndex, CatalogQuery, explain_empty
from explorer.domain.models import GlossaryEntry, TreatmentSummary
from explorer.domain.vocab import Approach, Certainty, Direction, Invasiveness


def _entry(
    slug,
    name,
    *,
    approach=Approach.ACTIVE,
    inv=Invasiveness.NON_INVASIVE,
    conditions=("sciatica",),
    mechanism="",
    synonyms=(),
    certainty=None,
):
    best = {c: certainty for c in conditions} if certainty else {}
    return TreatmentSummary(
        slug=slug,
        name=name,
        category="cat",
        approach=approach,
        invasiveness=inv,
        conditions=tuple(conditions),
        synonyms=synonyms,
        mechanism=mechanism,
        best_certainty=best,
        best_directions={c: frozenset({Direction.BENEFIT}) for c in best},
    )


ENTRIES = [
    _entry(
        "exercise",
        "Exercise therapy",
        mechanism="graded loading",
        certainty=Certainty.MODERATE,
        conditions=("sciatica", "chronic-low-back-pain"),
    ),
    _entry(
        "smt",
        "Spinal manipulation",
        approach=Approach.PASSIVE,
        synonyms=("chiropractic",),
        certainty=Certainty.LOW,
    ),
    _entry(
        "traction",
        "Mechanical traction",
        approach=Approach.PASSIVE,
        synonyms=("spinal decompression",),
        certainty=Certainty.VERY_LOW,
    ),
    _entry(
        "esi",
        "Epidural steroid injection",
        approach=Approach.PASSIVE,
        inv=Invasiveness.MINIMALLY_INVASIVE,
        certainty=Certainty.HIGH,
        mechanism="corticosteroid in the epidural space",
    ),
    _entry(
        "fibrin",
        "Intra-annular fibrin",
        approach=Approach.PASSIVE,
        inv=Invasiveness.MINIMALLY_INVASIVE,
        conditions=("annular-tear",),
    ),
]
GLOSSARY = [
    GlossaryEntry(
        term="Regenerative spine care",
        definition="d",
        plain_definition="p",
        synonyms=("biologics",),
        treatments=("fibrin",),
    )
]


def slugs(index, query):
    return [index.entries[i].slug for i in index.filter(query)]


def test_condition_scopes_the_catalog() -> None:
    index = CatalogIndex(ENTRIES)
    assert slugs(index, CatalogQuery(condition="annular-tear")) == ["fibrin"]
    assert len(slugs(index, CatalogQuery())) == 5


def test_search_covers_name_mechanism_synonyms_and_glossary() -> None:
    index = CatalogIndex(ENTRIES, GLOSSARY)
    assert slugs(index, CatalogQuery(text="chiropractic")) == ["smt"]
    assert slugs(index, CatalogQuery(text="decompression")) == ["traction"]
    assert slugs(index, CatalogQuery(text="CORTICOSTEROID")) == ["esi"]
    assert slugs(index, CatalogQuery(text="biologics")) == ["fibrin"]
    assert slugs(index, CatalogQuery(text="spinal manip")) == ["smt"]
    assert slugs(index, CatalogQuery(text="spinal zzz")) == []


def test_search_covers_plain_names() -> None:
    entry = TreatmentSummary(
        slug="epidural-steroid-injection",
        name="Epidural corticosteroid injection",
        category="Spinal injections",
        approach=Approach.PASSIVE,
        invasiveness=Invasiveness.MINIMALLY_INVASIVE,
        conditions=("sciatica",),
        plain_name="Steroid shot near the spine nerves (epidural injection)",
    )
    index = CatalogIndex([entry, *ENTRIES])
    assert [index.entries[i].slug for i in index.filter(CatalogQuery(text="shot nerves"))] == [
        "epidural-steroid-injection"
    ]


def test_minimum_certainty_uses_the_chosen_condition() -> None:
    index = CatalogIndex(ENTRIES)
    moderate = CatalogQuery(condition="sciatica", min_certainty=Certainty.MODERATE)
    assert slugs(index, moderate) == ["exercise", "esi"]
    assert slugs(index, CatalogQuery(min_certainty=Certainty.HIGH)) == ["esi"]
    # No findings at all means "not established", never "matches any certainty".
    assert "fibrin" not in slugs(index, CatalogQuery(min_certainty=Certainty.VERY_LOW))


def test_approach_and_invasiveness_filters_combine() -> None:
    index = CatalogIndex(ENTRIES)
    query = CatalogQuery(
        approaches=frozenset({Approach.PASSIVE}),
        invasiveness=frozenset({Invasiveness.NON_INVASIVE}),
    )
    assert slugs(index, query) == ["smt", "traction"]


def test_empty_result_is_explained_with_each_filter() -> None:
    query = CatalogQuery(
        condition="sciatica",
        min_certainty=Certainty.HIGH,
        text="yoga",
        approaches=frozenset({Approach.ACTIVE}),
    )
    text = explain_empty(query, "Sciatica")
    assert "“yoga”" in text and "high certainty" in text and "active" in text
    assert "Sciatica" in text
    assert query.has_filters and not CatalogQuery(condition="x").has_filters


def test_incremental_typing_gives_the_same_results_as_a_fresh_search() -> None:
    index = CatalogIndex(ENTRIES, GLOSSARY)
    fresh = CatalogIndex(ENTRIES, GLOSSARY)
    for text in (
        "s",
        "sp",
        "spi",
        "spin",
        "spinal",
        "spinal m",
        "spinal",
        "spi",
        "",
        "c",
        "cor",
        "corticosteroid",
        "x",
        "",
    ):
        query = CatalogQuery(text=text)
        assert slugs(index, query) == slugs(CatalogIndex(ENTRIES, GLOSSARY), query), text
        assert slugs(fresh, CatalogQuery(condition="sciatica", text=text)) == [
            e.slug
            for e in ENTRIES
            if "sciatica" in e.conditions
            and all(w in index._haystacks[ENTRIES.index(e)] for w in text.casefold().split())
        ]
