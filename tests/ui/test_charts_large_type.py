"""Charts with large type (150 %) in a small window: the plot keeps its room instead of
being squeezed by its labels and notes. Row labels are shortened with "…" to at most half
the width (the full label stays in the point's tooltip); the burden chart's rows keep
room for label, bar and context line; the page scrolls."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QScrollArea

from explorer.ui.charts.burden_chart import BurdenChart
from explorer.ui.charts.outcome_chart import LEFT_SHARE, OutcomeChart


@pytest.fixture
def large_font() -> QFont:
    font = QFont()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    return font


def _in_small_scroll_area(qtbot, chart, font) -> QScrollArea:
    chart.setFont(font)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(chart)
    qtbot.addWidget(scroll)
    scroll.resize(700, 420)
    scroll.show()
    return scroll


def test_forest_plot_labels_take_at_most_half_and_the_plot_keeps_room(
    qtbot, stores, large_font
) -> None:
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        treatments = [repo.treatment("epidural-steroid-injection"), repo.treatment("tens")]
    chart = OutcomeChart()
    area = _in_small_scroll_area(qtbot, chart, large_font)  # noqa: F841 - keeps the chart alive
    chart.set_data(treatments, "sciatica", "Sciatica / lumbar radiculopathy")
    qtbot.waitUntil(lambda: chart.plot.getAxis("left").width() > 0)
    width = chart.plot_widget.width()
    assert chart.plot.getAxis("left").width() <= width * LEFT_SHARE + 1
    assert chart.plot.getViewBox().width() >= width * 0.25  # the marks have room
    assert chart.plot_widget.height() >= 240
    labels = [text for _y, text in chart.plot.getAxis("left")._tickLevels[0]]
    full = [label for label, *_ in chart.plotted()]
    assert any("…" in label for label in labels) and not any("…" in f[-1] for f in full)
    for shown, label in zip(labels, full, strict=True):  # the source numbers always stay
        assert shown.rsplit(" ", 1)[-1] == label.rsplit(" ", 1)[-1].rstrip()
        assert shown.endswith("]")


def test_an_exported_forest_plot_with_large_type_keeps_the_plot_s_room(
    qtbot, stores, large_font
) -> None:
    """Found in review: the export of a chart never shown used the full labels, which at
    large type squeezed the plot to a strip. Exports are now drawn for paper (wrapped
    labels, print type sizes) and leave the screen's plot as it was."""
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        treatments = [repo.treatment("epidural-steroid-injection"), repo.treatment("tens")]
    chart = OutcomeChart()
    qtbot.addWidget(chart)
    chart.setFont(large_font)
    chart.set_data(treatments, "sciatica", "Sciatica / lumbar radiculopathy")
    image = chart.render_image(1400)
    assert not image.isNull()
    assert chart.plot.getAxis("left").width() <= chart.plot.width() * LEFT_SHARE + 1
    assert chart.plot.getViewBox().width() >= chart.plot.width() * 0.25


def test_burden_rows_keep_room_for_label_bar_and_context(qtbot, large_font) -> None:
    chart = BurdenChart()
    area = _in_small_scroll_area(qtbot, chart, large_font)
    label = QFontMetricsF(chart._font(12)).lineSpacing()
    assert chart.plot_widget.height() >= chart.PAGE_SIZE * 3 * label  # 3 lines per row
    assert chart.height() > area.viewport().height()  # taller than the area: it scrolls


def test_forest_plot_ticks_thin_out_at_large_type_instead_of_dropping_values(
    qtbot, stores, large_font
) -> None:
    """Found in review of the one-spec charts: with large type the plot is narrow, and
    pyqtgraph silently dropped tick labels that overlapped (the −5 of the value went); the
    spec's ticks are thinned to round ones that fit."""
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        treatments = [repo.treatment("epidural-steroid-injection"), repo.treatment("tens")]
    chart = OutcomeChart()
    qtbot.addWidget(chart)
    chart.setFont(large_font)
    chart.resize(700, 500)
    chart.show()
    chart.set_data(treatments, "sciatica", "Sciatica / lumbar radiculopathy")
    qtbot.wait(10)
    axis = chart.plot.getAxis("bottom")
    ticks = axis._tickLevels[0]
    metrics = QFontMetricsF(axis.style["tickFont"])
    widest = max(metrics.horizontalAdvance(label) for _v, label in ticks)
    assert len(ticks) >= 2
    assert len(ticks) * 2 * widest <= chart.plot.getViewBox().width()
