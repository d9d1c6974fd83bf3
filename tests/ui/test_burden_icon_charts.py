"""Burden bars and icon arrays on the shipped statistics: what is drawn, not how it looks."""

from __future__ import annotations

import html
import re
from collections import defaultdict

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from explorer.domain.burden_spec import FOOTNOTE, PLAIN_FOOTNOTE
from explorer.ui.charts.burden_chart import BurdenChart
from explorer.ui.charts.icon_array_chart import IconArrayChart

FIBRIN_CLAIM = "fibrin-success-claim"  # a percentage of procedures, not of people
PEOPLE_CLAIM = "fibrin-prior-surgery-claim"  # marketing, but a percentage of people
PEER_REVIEWED = "sciatica-improved-12mo-atlas"


@pytest.fixture
def stats(stores):
    with stores.knowledge_session() as session:
        return stores.repository(session).statistics()


@pytest.fixture
def by_id(stats):
    return {s.id: s for s in stats}


@pytest.fixture
def burden(qtbot, stats):
    chart = BurdenChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 650)
    chart.set_data(stats)
    return chart


@pytest.fixture
def icons(qtbot, stats):
    chart = IconArrayChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 650)
    chart.set_data(stats)
    return chart


def _all_pages(chart: BurdenChart) -> list[tuple[str, float, bool]]:
    drawn = []
    for page in range(chart.page_count()):
        chart.select_page(page)
        drawn += chart.plotted()
    return drawn


def _click_at(qtbot, chart, x: float, y: float) -> None:
    """A real left click on the plot at view coordinates (x, y)."""
    chart.show()
    qtbot.waitExposed(chart)
    scene_point = chart.plot.getViewBox().mapViewToScene(QPointF(x, y))
    pos = chart.plot_widget.mapFromScene(scene_point)
    qtbot.mouseClick(chart.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos))


def _show_page_with(chart: BurdenChart, label: str) -> None:
    for page in range(chart.page_count()):
        chart.select_page(page)
        if label in [drawn_label for drawn_label, _, _ in chart.plotted()]:
            return
    raise AssertionError(f"{label!r} is on no page")


def _texts(chart) -> list[str]:
    return [i.toPlainText() for i in chart.plot.items if isinstance(i, pg.TextItem)]


# --- burden chart ---------------------------------------------------------------------------
def test_burden_defaults_to_percentages_and_names_each_unit_group(burden, stats) -> None:
    percentages = [s for s in stats if s.unit.strip() == "%"]
    assert burden.unit_box.accessibleName() == "Figures to show"
    assert burden.unit_box.currentText() == f"Percentages ({len(percentages)})"
    entries = [burden.unit_box.itemText(i) for i in range(burden.unit_box.count())]
    assert "Millions of people (2)" in entries
    assert len(entries) == len({s.unit.strip() for s in stats})


def test_no_group_mixes_units_and_every_statistic_is_in_one(burden, stats) -> None:
    groups = burden.groups()
    assert all(len({s.unit.strip() for s in g.statistics}) == 1 for g in groups)
    assert sorted(s.id for g in groups for s in g.statistics) == sorted(s.id for s in stats)


def test_plotted_bars_are_exactly_the_selected_groups_statistics(burden, stats) -> None:
    expected = defaultdict(list)
    for s in stats:
        expected[s.unit.strip()].append((s.label, s.value))
    for unit, rows in expected.items():
        burden.select_unit(unit)
        drawn = _all_pages(burden)
        if unit.startswith("rank"):  # a rank is written, never drawn as an amount
            assert drawn == []
            assert any(t.startswith("ranked") for t in _texts(burden))
            continue
        assert [(label, value) for label, value, _ in drawn] == rows
    assert burden.page_count() == 1


def test_long_groups_are_paged_with_every_page_readable(burden, stats) -> None:
    burden.select_unit("%")
    sizes = []
    for page in range(burden.page_count()):
        burden.select_page(page)
        sizes.append(len(burden.plotted()))
        assert f"of {sum(s.unit.strip() == '%' for s in stats)}" in burden.page_label.text()
    assert max(sizes) <= BurdenChart.PAGE_SIZE
    assert min(sizes) >= BurdenChart.PAGE_SIZE - 1  # balanced: no lone bar on the last page


def test_flagged_statistics_are_hatched_and_footnoted(burden, by_id) -> None:
    drawn = {label: flagged for label, _value, flagged in _all_pages(burden)}
    assert drawn[by_id[FIBRIN_CLAIM].label] is True
    assert drawn[by_id[PEER_REVIEWED].label] is False
    percentages = [s for s in by_id.values() if s.unit.strip() == "%"]
    assert drawn == {s.label: s.needs_caution or not s.source.peer_reviewed for s in percentages}
    _show_page_with(burden, by_id[FIBRIN_CLAIM].label)
    assert FOOTNOTE in burden.message.text()
    assert not burden.message.isHidden()
    assert any(t.startswith("⚠ Unsourced · Claim: 83%") for t in _texts(burden))
    assert "(marketing)" in burden.caption.text()
    burden.set_plain(True)
    assert PLAIN_FOOTNOTE in burden.message.text()
    assert any(
        t.startswith("⚠ No source found · A claim that the fibrin shot") for t in _texts(burden)
    )


def test_a_page_without_flagged_figures_has_no_footnote(burden, by_id) -> None:
    burden.select_unit("points on a 0-100 pain scale (mean)")
    assert [f for _, _, f in burden.plotted()] == [False, False]
    assert FOOTNOTE not in burden.message.text()


def test_bar_tooltip_and_click_give_the_statistics_source(qtbot, burden, by_id) -> None:
    burden.select_unit("million people")
    statistic = by_id["lbp-cases-2020"]
    bar = next(i for i in burden.plot.items if isinstance(i, pg.BarGraphItem))
    assert statistic.source.citation.split("[")[0].strip() in html.unescape(bar.toolTip())
    with qtbot.waitSignal(burden.sig_provenance, timeout=2000) as blocker:
        _click_at(qtbot, burden, statistic.value / 2, 0.52)
    context, sources = blocker.args
    assert statistic.label in context
    assert sources == [statistic.source, statistic.read_in]


def test_empty_burden_chart_says_so_and_still_exports(qtbot, tmp_path) -> None:
    chart = BurdenChart()
    qtbot.addWidget(chart)
    chart.set_data([])
    assert chart.plotted() == []
    assert "No figures to show" in chart.message.text()
    assert chart.export_png(tmp_path / "empty.png").stat().st_size > 0


# --- icon array -----------------------------------------------------------------------------
@pytest.mark.parametrize("per", [100, 1000])
@pytest.mark.parametrize(
    "statistic_id",
    [
        PEER_REVIEWED,
        "surgery-complications-peul",
        "fbss-prevalence-japan-survey",
        "acute-lbp-complete-recovery-12mo",
    ],
)
def test_icon_counts_add_up_and_match_the_figure(icons, by_id, statistic_id, per) -> None:
    statistic = by_id[statistic_id]
    icons.select_statistic(statistic_id)
    icons.set_per(per)
    events, others = icons.plotted()
    assert events + others == per
    assert events == round(statistic.value * per / 100)
    sentence = html.unescape(re.sub(r"<[^>]+>", "", icons.framing.text()))
    assert f": {events} —" in sentence
    assert f"; {others} — not." in sentence
    assert sentence.endswith(icons.counts().sentence(plain=False))
    for fmt in ("bar", "words"):
        icons.set_format(fmt)
        assert icons.plotted() == (events, others), fmt
    icons.set_format("icons")


def test_events_fill_first_in_reading_order(icons) -> None:
    icons.select_statistic(PEER_REVIEWED)
    icons.set_per(1000)
    events, others = (i for i in icons.plot.items if isinstance(i, pg.ScatterPlotItem))
    columns = sorted({round(float(x), 3) for item in (events, others) for x in item.data["x"]})
    assert len(columns) == 40

    def order(item):  # row-major reading position of each drawn person
        cells = zip(item.data["x"], item.data["y"], strict=True)
        return [int(y) * 40 + columns.index(round(float(x), 3)) for x, y in cells]

    assert max(events.data["y"]) < 25 and max(others.data["y"]) == 24
    assert sorted(order(events)) == list(range(len(events.data)))
    assert min(order(others)) == len(events.data)


def test_controls_switch_format_and_denominator(icons) -> None:
    assert icons.figure_box.accessibleName() == "Figure to show"
    assert icons.format_box.accessibleName() == "Show as"
    assert icons.per_box.accessibleName() == "People out of"
    icons.select_statistic(PEER_REVIEWED)
    icons.per_box.setCurrentIndex(icons.per_box.findData(1000))
    assert icons.plotted() == (550, 450)
    assert icons.title.text() == "Out of 1,000 people"
    icons.format_box.setCurrentIndex(icons.format_box.findData("words"))
    assert icons.plotted() == (550, 450)
    assert all(not isinstance(i, pg.ScatterPlotItem | pg.BarGraphItem) for i in icons.plot.items)


def test_caption_gives_denominator_population_time_and_source(icons, by_id) -> None:
    statistic = by_id[PEER_REVIEWED]
    icons.select_statistic(PEER_REVIEWED)
    caption = icons.caption.text()
    for text in (statistic.population, statistic.timeframe, statistic.source.citation, "(cohort)"):
        assert text in caption
    assert statistic.denominator.removeprefix("of ") in caption
    assert icons.message.text() == ""  # peer-reviewed, whole number: nothing to flag


def test_caution_figures_are_flagged(icons, by_id) -> None:
    with pytest.raises(ValueError):
        icons.select_statistic(FIBRIN_CLAIM)  # procedures are never drawn as people
    with pytest.raises(ValueError):
        icons.select_statistic(PEOPLE_CLAIM)  # unsourced claims are never drawn as people
    offered = [icons.figure_box.itemText(i) for i in range(icons.figure_box.count())]
    assert not any("Claim:" in text for text in offered)
    icons.select_statistic("surgery-complications-peul")  # RCT read in a secondary summary
    assert icons.figure_box.currentText().startswith("⚠ ")
    assert "⚠ Second-hand: read in a secondary summary" in icons.message.text()


def test_icon_click_emits_provenance(qtbot, icons, by_id) -> None:
    icons.select_statistic("surgery-complications-peul")
    statistic = by_id["surgery-complications-peul"]
    with qtbot.waitSignal(icons.sig_provenance, timeout=2000) as blocker:
        _click_at(qtbot, icons, 2.0, 2.0)
    assert blocker.args[1] == [statistic.source, statistic.read_in]
    assert statistic.label in blocker.args[0]


def test_only_percentages_and_valid_denominators_are_accepted(icons) -> None:
    with pytest.raises(ValueError, match="not a percentage"):
        icons.select_statistic("lbp-cases-2020")
    with pytest.raises(ValueError):
        icons.set_per(50)
    with pytest.raises(ValueError):
        icons.set_format("pie")


def test_empty_icon_array_renders_with_a_clear_note(qtbot) -> None:
    chart = IconArrayChart()
    qtbot.addWidget(chart)
    chart.set_data([])
    for fmt in ("icons", "bar", "words"):
        chart.set_format(fmt)
        assert chart.counts() is None
        assert chart.plotted() == (0, 0)
    assert "no percentages" in chart.message.text().lower()
    assert not chart.figure_box.isEnabled()


@pytest.mark.parametrize("chart_type", [BurdenChart, IconArrayChart])
def test_exports_are_not_empty(qtbot, stats, tmp_path, chart_type) -> None:
    chart = chart_type()
    qtbot.addWidget(chart)
    chart.set_data(stats)
    assert chart.export_png(tmp_path / "chart.png").stat().st_size > 1000
    assert chart.export_svg(tmp_path / "chart.svg").stat().st_size > 1000
