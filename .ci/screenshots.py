#!/usr/bin/env python3
"""Regenerate the documentation's screenshots: python3 .ci/screenshots.py [OUT_DIR]

Runs the real window offscreen on a fresh data folder and private settings, drives it
as a physician would, and saves PNGs (default: docs/images/). Run it inside
the project's environment: `.venv/bin/python .ci/screenshots.py`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer.ui.window.app import create_window  # noqa: E402
from explorer.ui.window.settings import UiSettings  # noqa: E402

PIN = "2468"  # the screenshots' clinician PIN (a fresh data folder each run)
COMPARISON = [
    "exercise-therapy",
    "epidural-steroid-injection",
    "intra-annular-fibrin",
    "watchful-waiting",
]


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e8e8e8"),
        (QPalette.ColorRole.Base, "#1f1f1f"),
        (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e8e8e8"),
        (QPalette.ColorRole.Highlight, "#2f65ca"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, "#333"),
        (QPalette.ColorRole.ToolTipText, "#eee"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
        (QPalette.ColorRole.Link, "#7ab4ff"),
        (QPalette.ColorRole.LinkVisited, "#c09cff"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


class Shooter:
    def __init__(self, app: QApplication, out: Path, data_dir: Path) -> None:
        self.app, self.out = app, out
        ini = data_dir / "screens.ini"
        settings = QSettings(str(ini), QSettings.Format.IniFormat)
        settings.setValue("explorer/condition", "sciatica")
        settings.setValue("explorer/comparison", ",".join(COMPARISON))
        settings.setValue("consult/clinician", "Dr A. Rivera")
        from explorer.services.pin_service import AccessService
        from explorer.services.stores import open_stores
        from explorer.store.backend import backend_for

        backend = backend_for(data_dir)
        stores = open_stores(backend)
        AccessService(stores.clinic).set_pin(PIN, PIN, clinician="Dr A. Rivera")
        stores.close()
        self.window, self.loader = create_window(backend, UiSettings(settings))
        self.window.resize(1280, 720)
        self.window.sig_ready.connect(lambda: QTimer.singleShot(300, self.shoot))
        self.loader.sig_failed.connect(lambda message: sys.exit(f"failed: {message}"))
        self.window.show()
        self.loader.start()

    def save(self, widget: QWidget, name: str) -> None:
        self.app.processEvents()
        path = self.out / f"{name}.png"
        widget.grab().save(str(path))
        print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def shoot(self) -> None:
        w = self.window
        self.save(w, "comparison")
        from explorer.domain.comparison import ROWS, Row

        view, model = w.comparison.view, w.comparison_model
        view.scrollTo(model.index(ROWS.index(Row.EVIDENCE), 0), view.ScrollHint.PositionAtTop)
        self.save(w, "comparison-evidence")
        view.scrollTo(model.index(ROWS.index(Row.HARMS), 0), view.ScrollHint.PositionAtTop)
        self.save(w, "comparison-harms")
        view.scrollToTop()
        w.catalog.search.setText("chiropractic")
        self.save(w, "search")
        w.catalog.search.setText("zzz")
        self.save(w, "empty-catalog")
        w.catalog.clear_filters()
        w.plain_action.trigger()
        self.save(w, "plain-language")
        w.plain_action.trigger()
        w.tabs.setCurrentWidget(w.charts)
        charts = w.charts
        for index, name in enumerate(
            ("chart-outcomes", "chart-icon-array", "chart-timeline", "chart-burden")
        ):
            charts.tabs.setCurrentIndex(index)
            self.save(w, name)
        charts.icons.set_format("bar")
        self.save(w, "chart-icon-array-bar")
        charts.icons.set_format("icons")
        w.plain_action.trigger()
        charts.tabs.setCurrentIndex(1)
        self.save(w, "chart-icon-array-plain")
        w.plain_action.trigger()
        charts.tabs.setCurrentIndex(0)
        charts.outcomes.export_png(self.out / "export-outcomes.png", 1400)
        w.tabs.setCurrentWidget(w.consult_tab)
        self.save(w, "consult-locked")
        form = w.consult_lock.form
        form.pin.setText(PIN)
        form.try_submit()
        w.start_consult()
        w.consult.label.setText("Room 3, 10:40")
        w.consult.boxes["avoid-procedures"].setChecked(True)
        w.consult.boxes["quick-relief"].setChecked(True)
        w.consult.notes.setPlainText(
            "Leg pain for 7 weeks, no red flags. Wants to avoid injections if possible. "
            "Discussed exercise and watchful waiting; epidural injection as a short-term option."
        )
        w.consult.plan.setText("Home exercise programme; review at 6 weeks")
        w.consult.save_now()
        self.save(w, "consult")
        from explorer.report.pdf import render_pages

        for variant in ("clinician", "patient"):
            content, images = w.reports.report(variant)
            for number, page in enumerate(render_pages(content, images, dpi=70)[:2], start=1):
                self.write(page, f"pdf-{variant}-{number}")
            # The print charts as the PDF embeds them (1200 px wide, ~170 mm on paper).
            for name, image in images.items():
                self.write(image, f"print-{variant}-{name.removeprefix('chart-')[:-4]}")
        w.tabs.setCurrentWidget(w.pathway)
        self.save(w, "care-pathway")
        w.tabs.setCurrentWidget(w.glossary)
        w.glossary.show_term("Regenerative spine care")
        self.save(w, "glossary")
        w.tabs.setCurrentWidget(w.faq)
        self.save(w, "faq")
        w.tabs.setCurrentWidget(w.comparison)
        w.open_provenance(3, 1)  # evidence row, epidural steroid injection
        self.save(self.dialog(), "provenance")
        self.dialog().close()
        w.show_details("intra-annular-fibrin")
        self.save(self.dialog(), "treatment-detail")
        self.dialog().close()
        self.shoot_patient_mode()
        self.app.quit()

    def shoot_patient_mode(self) -> None:
        w = self.window
        w.enter_patient_mode()
        patient = w.patient_window
        patient.showNormal()  # the offscreen screen is small: a window of a typical size
        patient.resize(1440, 900)
        self.app.processEvents()
        self.save(patient, "patient-mode")
        patient.browse.tabs.setCurrentWidget(patient.browse.charts)
        patient.browse.charts.tabs.setCurrentIndex(0)
        self.save(patient, "patient-mode-pictures")
        patient.start_over()
        self.save(patient, "patient-mode-welcome")
        patient.ask_to_leave()
        self.app.processEvents()
        dialogs = [d for d in patient.findChildren(QDialog) if d.isVisible()]
        self.save(dialogs[-1], "patient-mode-pin")
        dialogs[-1].form.pin.setText(PIN)
        dialogs[-1].form.try_submit()

    def write(self, image: QImage, name: str) -> None:
        path = self.out / f"{name}.png"
        image.save(str(path))
        print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def dialog(self) -> QDialog:
        dialogs = [d for d in self.window.findChildren(QDialog) if d.isVisible()]
        return dialogs[-1]


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    variant = os.environ.get("SCREENSHOT_VARIANT", "")
    if variant == "dark":
        app.setPalette(dark_palette())
    if variant == "large":
        font = QFont(app.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        app.setFont(font)
    with tempfile.TemporaryDirectory() as folder:
        Shooter(app, out, Path(folder))
        return app.exec()


if __name__ == "__main__":
    sys.exit(main())
