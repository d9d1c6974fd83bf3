"""The Charts tab: built on first visit, follows the comparison, exports, provenance;
and one contract test that every chart must pass."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.ui.helpers import close_window, open_window


@pytest.fixture
def window(qtbot, data_dir, settings_file):
    w = open_window(qtbot, data_dir, settings_file)
    yield w
    close_window(w)


def open_charts(window):
    window.tabs.setCurrentWidget(window.charts)
    assert window.charts.built
    return window.charts


def test_pyqtgraph_loads_only_when_the_charts_are_opened(data_dir) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from PySide6.QtCore import QEventLoop\n"
        "app = QApplication([])\n"
        "from explorer.ui.window.app import create_window\n"
        "from explorer.store.backend import backend_from_arguments\n"
        f"w, loader = create_window(backend_from_arguments({str(data_dir)!r}))\n"
        "loop = QEventLoop()\n"
        "w.sig_ready.connect(loop.quit)\n"
        "w.show(); loader.start(); loop.exec()\n"
        "before = 'pyqtgraph' in sys.modules\n"
        "w.tabs.setCurrentWidget(w.charts)\n"
        "print(before, 'pyqtgraph' in sys.modules)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["False", "True"]


def test_charts_follow_the_comparison_and_condition_live(window) -> None:
    charts = open_charts(window)
    window.condition.setCurrentIndex(window.condition.findData("chronic-low-back-pain"))
    assert charts.outcomes.plotted() == []
    window.add_to_comparison(["exercise-therapy"])
    first = charts.outcomes.plotted()
    assert first
    window.add_to_comparison(["nsaids"])
    assert charts.outcomes.plotted() != first or len(charts.outcomes.choice.groups) > 1
    assert set(charts.timeline.plotted()) == {"exercise-therapy", "nsaids"}
    window.comparison_model.remove(1)
    assert set(charts.timeline.plotted()) == {"exercise-therapy"}


def test_statistics_reach_the_burden_and_icon_charts(window) -> None:
    charts = open_charts(window)
    assert charts.burden.plotted()
    events, others = charts.icons.plotted()
    assert events + others in (100, 1000)


def test_a_chart_mark_opens_its_provenance(window, monkeypatch) -> None:
    from explorer.ui.comparison.provenance import ProvenanceDialog

    opened: list[ProvenanceDialog] = []
    monkeypatch.setattr(ProvenanceDialog, "open", lambda self: opened.append(self))
    charts = open_charts(window)
    statistic = window.snapshot.statistics[0]
    charts.burden.sig_provenance.emit(statistic.label, [statistic.source])
    assert opened and statistic.source.citation[:30] in opened[0].browser.toPlainText()


def test_export_writes_png_and_svg_and_reports_failures(window, tmp_path, monkeypatch) -> None:
    charts = open_charts(window)
    window.add_to_comparison(["exercise-therapy", "tens"])
    target = tmp_path / "outcomes"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PNG image (*.png)")
    )
    written = charts.export(charts.outcomes, "png")
    assert written == target.with_suffix(".png") and written.stat().st_size > 1000
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = charts.export(charts.outcomes, "svg")
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    missing = tmp_path / "no-such-folder" / "chart"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(missing), "PNG image (*.png)")
    )
    assert charts.export(charts.outcomes, "png") is None
    assert warned and "Cannot write to the folder" in warned[0]
    assert not missing.parent.exists()


CHARTS = ["outcomes", "icons", "timeline", "burden"]


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_meets_the_contract(window, tmp_path, name) -> None:
    """Minimum size, exports a non-empty PNG and SVG, renders with an empty comparison."""
    charts = open_charts(window)
    chart = getattr(charts, name)
    window.comparison_model.clear()
    chart.set_plain(False)
    assert chart.minimumSize().width() >= 480 and chart.minimumSize().height() >= 320
    assert chart.title.text().strip()
    assert "Knowledge base" in chart.caption.text() or chart.caption.text() == ""
    png = chart.export_png(tmp_path / f"{name}.png")
    svg = chart.export_svg(tmp_path / f"{name}.svg")
    assert png.stat().st_size > 1000 and svg.stat().st_size > 200
    image = chart.render_image(1200)
    assert image.width() == 1200 and not image.hasAlphaChannel()
    window.add_to_comparison(["exercise-therapy", "watchful-waiting"])
    assert chart.export_png(tmp_path / f"{name}-2.png").stat().st_size > 1000
