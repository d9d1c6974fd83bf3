"""Outcome (forest) and timeline charts on the shipped knowledge base: what is drawn,
read back from the pyqtgraph items, must equal the knowledge base's numbers."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt

from explorer.domain.chart_words import MCID_LABEL, NOTHING_TO_PLOT, REGION_LABEL
from explorer.domain.charts import REASSESSMENT_WEEKS, time_bucket
from explorer.domain.vocab import Certainty
from explorer.ui.charts.outcome_chart import OutcomeChart
from explorer.ui.charts.timeline_chart import TimelineChart

CLBP = "chronic-low-back-pain"


@pytest.fixture
def kb(stores):
    slugs = (
        "exercise-therapy",
        "nsaids",
        "epidural-steroid-injection",
        "watchful-waiting",
        "intra-annular-fibrin",
    )
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        return {slug: repo.treatment(slug) for slug in slugs}


@pytest.fixture
def outcome_chart(qtbot):
    chart = OutcomeChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 650)
    chart.show()
    return chart


@pytest.fixture
def timeline(qtbot):
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 650)
    chart.show()
    return chart


def _scatter(chart):
    """The hoverable marker item (the ⚠ rings are a separate, non-hoverable item)."""
    items = [
        i for i in chart.plot.items if isinstance(i, pg.ScatterPlotItem) and i.opts["hoverable"]
    ]
    assert len(items) == 1
    return items[0]


def _texts(chart) -> list[str]:
    return [i.toPlainText() for i in chart.plot.items if isinstance(i, pg.TextItem)]


def _expected(treatments, condition, group):
    """(value, ci_low, ci_high) straight from the findings that belong to ``group``."""
    found = []
    for treatment in treatments:
        for f in treatment.findings_for(condition):
            e = f.estimate
            if (
                e is not None
                and f.outcome == group.key.outcome
                and e.scale == group.key.scale
                and e.measure == group.key.measure
                and time_bucket(f.timepoint_weeks) == group.key.window
            ):
                found.append((e.value, e.ci_low, e.ci_high))
    return sorted(found)


def _numbers(plotted):
    return sorted((v, lo, hi) for _label, v, lo, hi in plotted)


def _assert_same(got, want) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert a == pytest.approx(b)


def test_plotted_points_and_intervals_equal_the_knowledge_base(outcome_chart, kb) -> None:
    treatments = [kb["exercise-therapy"], kb["nsaids"]]
    outcome_chart.set_data(treatments, CLBP, "Chronic low back pain")
    group = outcome_chart.current_group()
    assert group is not None and group.key.outcome == "pain"
    plotted = outcome_chart.plotted()
    expected = _expected(treatments, CLBP, group)
    assert len(expected) >= 3
    _assert_same(_numbers(plotted), expected)
    assert (-15.0, -18.0, -12.0) in [tuple(round(x, 6) for x in n) for n in _numbers(plotted)]
    labels = [label for label, *_ in plotted]
    assert any(label.startswith("NSAIDs") for label in labels)
    assert all("certainty" in label for label in labels)
    assert outcome_chart.title.text() == "Effects on pain — Chronic low back pain"
    bottom = outcome_chart.plot.getAxis("bottom").labelText
    assert "Pain, 0-100" in bottom and "← favours treatment" in bottom
    caption = outcome_chart.caption.text()
    assert "[1]" in caption and "systematic review" in caption


def test_refusal_names_the_other_scale_and_the_words_only_findings(outcome_chart, kb) -> None:
    outcome_chart.set_data([kb["exercise-therapy"]], CLBP, "Chronic low back pain")
    shown = outcome_chart.current_group()
    others = [g for g in outcome_chart.choice.for_outcome(shown.key.outcome) if g is not shown]
    assert others, "the knowledge base gives pain on a second scale"
    message = outcome_chart.message.text()
    assert message.startswith("Not plotted on this axis")
    for other in others:
        assert other.key.scale in message
    assert message == outcome_chart.choice.refusal(shown, shown.key.outcome)


def test_selecting_another_group_plots_it_and_is_kept_on_refresh(outcome_chart, kb) -> None:
    treatments = [kb["exercise-therapy"], kb["nsaids"]]
    outcome_chart.set_data(treatments, CLBP, None)
    groups = outcome_chart.choice.groups
    assert outcome_chart.group_box.count() == len(groups) > 1
    assert outcome_chart.group_box.itemText(0).endswith(f"— {len(groups[0].rows)} findings")
    index = next(i for i, g in enumerate(groups) if g.key.outcome == "function")
    outcome_chart.select_group(index)
    assert outcome_chart.current_group() is groups[index]
    _assert_same(_numbers(outcome_chart.plotted()), _expected(treatments, CLBP, groups[index]))
    assert outcome_chart.title.text() == "Effects on function — all conditions"
    outcome_chart.set_data(treatments, CLBP, None)
    assert outcome_chart.current_group().key == groups[index].key


def test_mcid_line_exists_exactly_when_the_group_states_one(outcome_chart, kb) -> None:
    outcome_chart.set_data([kb["exercise-therapy"], kb["nsaids"]], CLBP, "Chronic low back pain")
    seen = set()
    for index, group in enumerate(outcome_chart.choice.groups):
        outcome_chart.select_group(index)
        dashed = [
            i
            for i in outcome_chart.plot.items
            if isinstance(i, pg.InfiniteLine) and i.pen.style() == Qt.PenStyle.DashLine
        ]
        has_mcid = group.mcid is not None
        seen.add(has_mcid)
        assert len(dashed) == int(has_mcid)
        assert (MCID_LABEL in _texts(outcome_chart)) == has_mcid
        if has_mcid:
            sign = -1 if group.better == "lower" else 1
            assert dashed[0].value() == pytest.approx(sign * group.mcid)
    assert seen == {True, False}


def test_certainty_and_caution_change_the_marker(outcome_chart, kb) -> None:
    outcome_chart.set_data([kb["epidural-steroid-injection"]], "sciatica", "Sciatica")
    marks = {}
    for index, group in enumerate(outcome_chart.choice.groups):
        outcome_chart.select_group(index)
        for spot, row in zip(_scatter(outcome_chart).points(), group.rows, strict=True):
            marks[row.certainty] = (spot.symbol(), spot.size(), spot.brush().color().name())
            assert ("⚠" in spot.data()["label"]) == row.caution
    not_rated, moderate = marks[Certainty.NOT_RATED], marks[Certainty.MODERATE]
    assert not_rated[0] == "x" and moderate[0] != "x"
    assert not_rated != moderate
    # Caution rows get a ring in the flag colour around the marker.
    index = next(i for i, g in enumerate(outcome_chart.choice.groups) if g.rows[0].caution)
    outcome_chart.select_group(index)
    rings = [
        i
        for i in outcome_chart.plot.items
        if isinstance(i, pg.ScatterPlotItem) and not i.opts["hoverable"]
    ]
    assert len(rings) == 1 and len(rings[0].points()) == 1


def test_plain_language_states_certainty_in_words(outcome_chart, kb) -> None:
    outcome_chart.set_data([kb["exercise-therapy"]], CLBP, "Chronic low back pain")
    outcome_chart.set_plain(True)
    labels = [label for label, *_ in outcome_chart.plotted()]
    assert any(Certainty.MODERATE.plain_label in label for label in labels)
    assert "better with treatment" in outcome_chart.plot.getAxis("bottom").labelText


def test_empty_comparison_draws_nothing_and_says_so(outcome_chart, tmp_path) -> None:
    outcome_chart.set_data([], None, None)
    assert outcome_chart.plotted() == []
    assert outcome_chart.current_group() is None
    assert NOTHING_TO_PLOT in outcome_chart.message.text()
    assert not outcome_chart.message.isHidden()
    assert not outcome_chart.group_box.isEnabled()
    assert outcome_chart.export_png(tmp_path / "empty.png").stat().st_size > 1000


def test_clicking_a_point_emits_its_sources(qtbot, outcome_chart, kb) -> None:
    treatment = kb["exercise-therapy"]
    outcome_chart.set_data([treatment], CLBP, None)
    row = outcome_chart.current_group().rows[0]
    scatter = _scatter(outcome_chart)
    point = scatter.points()[0]
    with qtbot.waitSignal(outcome_chart.sig_provenance) as blocker:
        scatter.sigClicked.emit(scatter, [point], None)
    context, sources = blocker.args
    assert row.label in context
    by_id = {s.id: s for s in treatment.sources}
    assert sources == [by_id[s] for s in row.finding.sources]
    assert "95% CI" in scatter.opts["tip"](x=0, y=0, data=point.data())


def test_a_real_mouse_click_on_a_marker_reaches_the_signal(qtbot, outcome_chart, kb) -> None:
    outcome_chart.set_data([kb["exercise-therapy"]], CLBP, None)
    qtbot.waitExposed(outcome_chart)
    spot = _scatter(outcome_chart).points()[0]
    scene_pos = outcome_chart.plot.getViewBox().mapViewToScene(spot.pos())
    pos = outcome_chart.plot_widget.mapFromScene(scene_pos)
    with qtbot.waitSignal(outcome_chart.sig_provenance, timeout=2000):
        qtbot.mouseClick(outcome_chart.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_exports_are_not_empty(outcome_chart, timeline, kb, tmp_path) -> None:
    outcome_chart.set_data(list(kb.values()), "sciatica", "Sciatica")
    timeline.set_data(list(kb.values()))
    for chart in (outcome_chart, timeline):
        assert chart.export_png(tmp_path / f"{chart.chart_name}.png").stat().st_size > 1000
        assert chart.export_svg(tmp_path / f"{chart.chart_name}.svg").stat().st_size > 200


# --- timeline ------------------------------------------------------------------------------
def _span(low, high):
    if low is None and high is None:
        return None
    return (low if low is not None else high, high if high is not None else low)


def test_timeline_spans_equal_the_timeframes(timeline, kb) -> None:
    treatments = list(kb.values())
    timeline.set_data(treatments)
    plotted = timeline.plotted()
    assert list(plotted) == [t.slug for t in treatments]
    for t in treatments:
        tf = t.timeframe
        assert plotted[t.slug] == {
            "onset": _span(tf.onset_weeks_min, tf.onset_weeks_max),
            "duration": _span(tf.duration_weeks_min, tf.duration_weeks_max),
        }
    assert plotted["epidural-steroid-injection"]["duration"] == (2.0, 12.0)
    # A zero-width range is drawn as a visible tick, not as an invisible bar.
    assert plotted["exercise-therapy"]["onset"] == (12.0, 12.0)
    ticks = [i for i in timeline.plot.items if isinstance(i, pg.ScatterPlotItem)]
    assert any(i.opts["symbol"] == "|" and i.getData()[0][0] == 12.0 for i in ticks)
    assert timeline.title.text() == "When benefit starts and how long it lasts (weeks)"
    assert timeline.plot.getAxis("bottom").labelText == "Weeks since starting"
    low, high = timeline.plot.getViewBox().viewRange()[0]
    assert low == 0 and high >= 13


def test_fibrin_shows_not_established_and_no_bar(timeline, kb) -> None:
    timeline.set_data([kb["exercise-therapy"], kb["intra-annular-fibrin"]])
    assert timeline.plotted()["intra-annular-fibrin"] == {"onset": None, "duration": None}
    notes = timeline.notes()
    assert notes["intra-annular-fibrin"] == ["Not established"]
    assert "Not established" not in notes["exercise-therapy"]
    assert "made up" not in timeline.caption.text() and "nothing is estimated" in (
        timeline.caption.text()
    )


def test_reassessment_window_is_shaded_and_labelled(timeline, kb) -> None:
    timeline.set_data([kb["watchful-waiting"]])
    regions = [i for i in timeline.plot.items if isinstance(i, pg.LinearRegionItem)]
    assert len(regions) == 1
    assert regions[0].getRegion() == pytest.approx(REASSESSMENT_WEEKS)
    assert not regions[0].movable
    assert REGION_LABEL in _texts(timeline)


def test_empty_timeline_renders_with_a_note(timeline) -> None:
    timeline.set_data([])
    assert timeline.plotted() == {}
    assert timeline.message.text()


def test_clicking_a_timeline_bar_emits_the_timed_sources(qtbot, timeline, kb) -> None:
    treatment = kb["epidural-steroid-injection"]
    timeline.set_data([treatment])
    qtbot.waitExposed(timeline)
    vb = timeline.plot.getViewBox()
    pos = timeline.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(7.0, 0.2)))
    with qtbot.waitSignal(timeline.sig_provenance, timeout=2000) as blocker:
        qtbot.mouseClick(timeline.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    context, sources = blocker.args
    assert treatment.name in context
    timed = {s for f in treatment.findings if f.timepoint_weeks is not None for s in f.sources}
    assert sources and {s.id for s in sources} == timed


def test_exports_are_the_printed_charts_of_what_the_screen_shows(
    outcome_chart, timeline, kb
) -> None:
    """One export path: a chart exported from the window is the report's printed chart
    (same spec, same painter), pixel for pixel, for the group the screen has chosen."""
    from explorer.report.print_charts import outcome_chart as printed_outcomes
    from explorer.report.print_charts import timeline_chart as printed_timeline
    from explorer.report.print_charts.export import chart_image

    treatments = list(kb.values())
    for chart in (outcome_chart, timeline):
        chart.set_kb_version("9.9")
    outcome_chart.set_data(treatments, CLBP, "Chronic low back pain")
    timeline.set_data(treatments)
    printed = printed_outcomes(treatments, CLBP, "Chronic low back pain", "9.9")
    assert outcome_chart.render_image(1200) == chart_image(printed, 1200)
    printed = printed_timeline(treatments, "9.9", plain=False)
    assert timeline.render_image(1200) == chart_image(printed, 1200)
    # Another group chosen on screen: the export follows the screen, in print's words.
    outcome_chart.select_group(1)
    group = outcome_chart.current_group()
    svg = outcome_chart.svg_bytes().decode("utf-8")
    assert group.key.outcome in svg and "Knowledge base 9.9" in svg
    assert "they are in the comparison table" in svg
