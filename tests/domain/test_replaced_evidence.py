"""Replaced evidence never counts as the best: a finding resting only on a source that a
newer one replaces (an update of the same review) stays in the detail, marked, but sets
neither the catalog's certainty, the comparison's evidence key nor a chart's default."""

from __future__ import annotations

from dataclasses import replace

from explorer.domain.charts import outcome_groups
from explorer.domain.comparison import Row, build_cell
from explorer.domain.models import summarize
from explorer.domain.vocab import Certainty


def test_the_epidural_is_no_longer_rated_high_for_sciatica_from_the_2012_review(shipped) -> None:
    (row,) = [s for s in shipped.treatment_summaries() if s.slug == "epidural-steroid-injection"]
    assert row.certainty_for("sciatica") is Certainty.MODERATE


def test_the_replaced_findings_stay_in_the_detail_marked(shipped) -> None:
    epidural = shipped.treatment("epidural-steroid-injection")
    pinto = next(s for s in epidural.sources if s.id == "pinto-2012")
    assert pinto.replaced_by == ("oliveira-2020-cochrane",)
    replaced = [f for f in epidural.findings if epidural.is_replaced(f)]
    assert [f.sources for f in replaced] == [("pinto-2012",), ("pinto-2012",)]
    assert {f.certainty for f in replaced} == {Certainty.HIGH}
    assert all(f in epidural.findings_for("sciatica") for f in replaced)
    assert not any(epidural.is_replaced(f) for f in epidural.current_findings_for("sciatica"))


def test_without_the_replacement_the_2012_review_would_set_the_best(shipped) -> None:
    """(What the rule changes: the same treatment with the link removed is rated high.)"""
    epidural = shipped.treatment("epidural-steroid-injection")
    unlinked = replace(
        epidural, sources=tuple(replace(s, replaced_by=()) for s in epidural.sources)
    )
    assert summarize(unlinked).certainty_for("sciatica") is Certainty.HIGH
    assert summarize(epidural).certainty_for("sciatica") is Certainty.MODERATE


def test_the_comparison_key_uses_the_current_evidence(shipped) -> None:
    epidural = shipped.treatment("epidural-steroid-injection")
    unlinked = replace(
        epidural, sources=tuple(replace(s, replaced_by=()) for s in epidural.sources)
    )
    cells = [
        build_cell(t, Row.EVIDENCE, condition="sciatica", plain=False, condition_names={})
        for t in (epidural, unlinked)
    ]
    assert cells[0].key != cells[1].key
    assert cells[0].key[0] == Certainty.MODERATE.rank


def test_a_group_of_replaced_findings_only_is_never_the_chart_default(shipped) -> None:
    epidural = shipped.treatment("epidural-steroid-injection")
    pinto_leg = next(f for f in epidural.findings if f.sources == ("pinto-2012",))
    stenosis_function = next(
        f for f in epidural.findings if f.condition == "spinal-stenosis" and f.outcome == "function"
    )
    # Dated like the other, and about leg pain (which sorts before function among equals):
    # only the rule keeps it from being the chart's first choice.
    dated = replace(pinto_leg, timepoint_weeks=6.0)
    treatment = replace(epidural, findings=(dated, stenosis_function))
    choice = outcome_groups([treatment], None)
    assert [g.rows[0].finding for g in choice.groups] == [stenosis_function, dated]
    assert choice.groups[1].rows[0].replaced and not choice.groups[0].rows[0].replaced
