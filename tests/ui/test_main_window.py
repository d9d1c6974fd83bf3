"""The explorer window driven as a user would: condition, search, add, remove, reorder,
provenance, wording, restart, keyboard. Assertions on model contents and widget state."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAccessible, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog

from explorer.domain.comparison import ROWS, Row
from explorer.ui.comparison.catalog_model import TREATMENT_MIME, CatalogTableModel
from explorer.ui.comparison.provenance import ProvenanceDialog
from tests.ui.helpers import open_window


@pytest.fixture
def window(qtbot, data_dir, settings_file):
    w = open_window(qtbot, data_dir, settings_file)
    yield w
    w.close()
    if w.service is not None:
        w.service.close()


def choose_condition(window, slug):
    window.condition.setCurrentIndex(window.condition.findData(slug))


def catalog_slugs(window):
    return window.catalog.model.slugs()


def select_in_catalog(window, slug):
    row = window.catalog.model.row_of(slug)
    assert row >= 0, f"{slug} not in the catalog"
    index = window.catalog.model.index(row, 0)
    window.catalog.view.setCurrentIndex(index)
    return index


def test_condition_scopes_catalog_and_comparison(window) -> None:
    everything = set(catalog_slugs(window))
    choose_condition(window, "annular-tear")
    scoped = set(catalog_slugs(window))
    assert scoped and scoped < everything
    assert "intra-annular-fibrin" in scoped
    assert window.comparison_model.condition == "annular-tear"


def test_search_as_you_type_over_names_mechanisms_and_synonyms(qtbot, window) -> None:
    qtbot.keyClicks(window.catalog.search, "chiropractic")
    assert catalog_slugs(window) == ["spinal-manipulation"]
    window.catalog.search.clear()
    qtbot.keyClicks(window.catalog.search, "decompression")
    assert "traction-decompression" in catalog_slugs(window)
    window.catalog.search.clear()
    qtbot.keyClicks(window.catalog.search, "corticosteroid")
    assert "epidural-steroid-injection" in catalog_slugs(window)


def test_empty_result_says_why_and_offers_to_clear(qtbot, window) -> None:
    window.catalog.min_certainty.setCurrentIndex(window.catalog.min_certainty.count() - 1)
    qtbot.keyClicks(window.catalog.search, "zzqx")
    assert window.catalog.model.rowCount() == 0
    assert window.catalog.stack.currentIndex() == 1
    text = window.catalog.empty_label.text()
    assert "zzqx" in text and "high certainty" in text
    qtbot.mouseClick(window.catalog.clear_button, Qt.MouseButton.LeftButton)
    assert window.catalog.model.rowCount() == window.catalog.model.total
    assert window.catalog.search.text() == ""
    assert window.catalog.stack.currentIndex() == 0


def test_add_three_ways_remove_and_reorder(qtbot, window) -> None:
    choose_condition(window, "sciatica")
    view = window.catalog.view
    # 1. double-click
    index = select_in_catalog(window, "exercise-therapy")
    # A real double-click starts with a press: item views need it to accept the double-click.
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    qtbot.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    # 2. Enter
    select_in_catalog(window, "epidural-steroid-injection")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    # 3. button
    select_in_catalog(window, "traction-decompression")
    qtbot.mouseClick(window.catalog.add_button, Qt.MouseButton.LeftButton)
    model = window.comparison_model
    assert model.slugs() == [
        "exercise-therapy",
        "epidural-steroid-injection",
        "traction-decompression",
    ]
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Epidural corticosteroid injection"
    # remove the middle one
    window.comparison.view.setCurrentIndex(model.index(0, 1))
    qtbot.mouseClick(window.comparison.remove_button, Qt.MouseButton.LeftButton)
    assert model.slugs() == ["exercise-therapy", "traction-decompression"]
    # reorder: move the second to the left
    window.comparison.view.setCurrentIndex(model.index(0, 1))
    qtbot.mouseClick(window.comparison.left_button, Qt.MouseButton.LeftButton)
    assert model.slugs() == ["traction-decompression", "exercise-therapy"]
    assert window.comparison.view.currentIndex().column() == 0
    assert window.settings.comparison == ["traction-decompression", "exercise-therapy"]


def test_drag_from_catalog_drops_into_the_comparison(window) -> None:
    model = window.catalog.model
    mime = model.mimeData([model.index(model.row_of("tens"), 0)])
    assert mime.hasFormat(TREATMENT_MIME)
    view = window.comparison.view
    event = QDropEvent(
        QPointF(view.viewport().rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)
    assert window.comparison_model.slugs() == ["tens"]


def test_duplicates_and_a_seventh_column_are_refused_with_a_message(window) -> None:
    slugs = catalog_slugs(window)[:7]
    window.add_to_comparison(slugs[:6])
    assert len(window.comparison_model.slugs()) == 6
    window.add_to_comparison([slugs[6]])
    assert len(window.comparison_model.slugs()) == 6
    assert "at most 6" in window.statusBar().currentMessage()
    window.comparison_model.remove(5)
    window.add_to_comparison([slugs[0]])
    assert "already in the comparison" in window.statusBar().currentMessage()


def test_watchful_waiting_is_offered_as_a_baseline(qtbot, window) -> None:
    window.add_to_comparison(["tens"])
    assert window.comparison.baseline_button.isEnabled()
    qtbot.mouseClick(window.comparison.baseline_button, Qt.MouseButton.LeftButton)
    assert window.comparison_model.slugs() == ["tens", "watchful-waiting"]
    assert not window.comparison.baseline_button.isEnabled()


def test_rows_are_the_fixed_set_and_differences_are_marked(window) -> None:
    choose_condition(window, "sciatica")
    window.add_to_comparison(["exercise-therapy", "epidural-steroid-injection"])
    model = window.comparison_model
    labels = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    assert len(labels) == len(ROWS)
    assert any("Harms" in label for label in labels)
    what = ROWS.index(Row.WHAT)
    assert labels[what].startswith("◆")
    assert model.index(what, 0).data(model.DifferenceRole) == 1.0


def _first_anchor(html: str) -> str:
    match = re.search(r'href="(prov:[^"]+)"', html)
    assert match, html
    return match.group(1)


def test_a_certainty_badge_opens_its_provenance(window, monkeypatch) -> None:
    opened: list[ProvenanceDialog] = []
    monkeypatch.setattr(ProvenanceDialog, "open", lambda self: opened.append(self))
    choose_condition(window, "sciatica")
    window.add_to_comparison(["epidural-steroid-injection"])
    model = window.comparison_model
    evidence = model.index(ROWS.index(Row.EVIDENCE), 0)
    href = _first_anchor(evidence.data(model.HtmlRole))
    window.comparison.delegate.sig_link_activated.emit(evidence, href)
    assert len(opened) == 1
    text = opened[0].browser.toPlainText()
    treatment = model.treatment(0)
    first = treatment.findings_for("sciatica")[0]
    cited = {s.id: s for s in treatment.sources}
    for source_id in first.sources:
        assert cited[source_id].citation[:40] in text
        assert cited[source_id].kind.value in text
    assert "peer-reviewed" in text and "last reviewed" in text.lower()


def test_enter_on_a_cell_opens_the_provenance_of_the_whole_cell(qtbot, window, monkeypatch) -> None:
    opened: list[ProvenanceDialog] = []
    monkeypatch.setattr(ProvenanceDialog, "open", lambda self: opened.append(self))
    window.add_to_comparison(["intra-annular-fibrin"])
    model = window.comparison_model
    sources_row = model.index(ROWS.index(Row.SOURCES), 0)
    window.comparison.view.setCurrentIndex(sources_row)
    qtbot.keyClick(window.comparison.view, Qt.Key.Key_Return)
    assert opened
    text = opened[0].browser.toPlainText()
    assert "Marketing" in text or "Registry" in text  # flagged kinds say so


def test_plain_language_toggle_rewords_everything(window) -> None:
    window.add_to_comparison(["exercise-therapy"])
    model = window.comparison_model
    what = model.index(ROWS.index(Row.WHAT), 0)
    clinician = what.data()
    window.plain_action.trigger()
    treatment = model.treatment(0)
    assert what.data() == treatment.plain_summary != clinician
    assert model.headerData(ROWS.index(Row.HARMS), Qt.Orientation.Vertical).endswith(
        "Risks and side effects"
    )
    assert window.settings.plain is True
    window.plain_action.trigger()
    assert what.data() == clinician


def test_restart_restores_condition_comparison_and_wording(qtbot, data_dir, settings_file) -> None:
    first = open_window(qtbot, data_dir, settings_file)
    choose_condition(first, "spinal-stenosis")
    first.add_to_comparison(["epidural-steroid-injection", "exercise-therapy", "watchful-waiting"])
    first.comparison_model.move(2, 0)
    first.plain_action.trigger()
    first.resize(1100, 650)
    first.splitter.setSizes([300, first.splitter.width() - 300])
    first.splitter.splitterMoved.emit(300, 1)
    sizes = first.splitter.sizes()
    first.close()
    first.service.close()
    second = open_window(qtbot, data_dir, settings_file)
    try:
        assert second.condition.currentData() == "spinal-stenosis"
        assert second.comparison_model.slugs() == [
            "watchful-waiting",
            "epidural-steroid-injection",
            "exercise-therapy",
        ]
        assert second.plain_action.isChecked() and second.comparison_model.plain
        assert (second.width(), second.height()) == (1100, 650)
        assert second.splitter.sizes() == sizes
    finally:
        second.close()
        second.service.close()


def test_tab_moves_through_the_controls_in_a_sensible_order(qtbot, window) -> None:
    window.activateWindow()
    window.condition.setFocus()
    seen = [QApplication.focusWidget()]
    for _ in range(7):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    order = [
        window.condition,
        window.catalog.search,
        window.catalog.min_certainty,
        window.catalog.approach,
        window.catalog.invasiveness,
        window.catalog.view,
        window.catalog.add_button,
        window.tabs.tabBar(),
    ]
    assert seen[: len(order)] == order
    # …and on into the comparison's controls and the comparison itself.
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert window.comparison.view in seen


def test_find_shortcut_focuses_search(qtbot, window) -> None:
    window.activateWindow()
    window.comparison.view.setFocus()
    window.find_action.trigger()
    assert QApplication.focusWidget() is window.catalog.search


@pytest.mark.parametrize(
    "name",
    [
        "Condition",
        "Search treatments",
        "Treatment catalog",
        "Treatment comparison",
        "Add to comparison",
        "Remove from comparison",
        "Minimum certainty",
        "Approach",
        "Invasiveness",
    ],
)
def test_interactive_widgets_have_accessible_names(window, name) -> None:
    from PySide6.QtWidgets import QComboBox, QWidget

    widgets = [w for w in window.findChildren(QWidget) if w.accessibleName() == name]
    assert len(widgets) == 1, name
    widget = widgets[0]
    interface = QAccessible.queryAccessibleInterface(widget)
    if isinstance(widget, QComboBox):
        # On Linux a combo box's accessible Name is its value; screen readers take the
        # name from the accessible name property (Windows) or the labelling relation.
        assert interface.text(QAccessible.Text.Value) == widget.currentText()
    else:
        assert interface.text(QAccessible.Text.Name) == name


def test_every_visible_interactive_widget_has_an_accessible_name(window) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLineEdit,
        QWidget,
    )

    interactive = (QAbstractButton, QAbstractItemView, QComboBox, QLineEdit)
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, interactive) or not widget.isVisibleTo(window):
            continue
        if (
            type(widget).__name__ in {"QToolButton", "QHeaderView"}
            or widget.parent() is window.tabs
        ):
            continue  # toolbar buttons and tab bars take their names from their actions/tabs
        name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
        if not (widget.accessibleName() or name):
            unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert unnamed == []


def test_comparison_model_passes_qt_model_tester(qtmodeltester, window) -> None:
    window.add_to_comparison(["exercise-therapy", "tens", "watchful-waiting"])
    qtmodeltester.check(window.comparison_model)


def test_standard_shortcuts_are_bound(window) -> None:
    from PySide6.QtGui import QKeySequence

    assert window.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.print_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    assert window.quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    assert window.help_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)


def test_disclaimer_reachable_from_help_menu_and_status_bar(window, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox, QPushButton

    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, title, text: shown.append(title)
    )
    menus = {a.text() for a in window.menuBar().actions()}
    assert "&Help" in menus
    window.disclaimer_action.trigger()
    button = next(
        b for b in window.statusBar().findChildren(QPushButton) if b.text() == "Disclaimer"
    )
    button.click()
    assert shown == ["Disclaimer", "Disclaimer"]


def test_details_dialog_opens_for_the_current_column(window, monkeypatch) -> None:
    opened: list[QDialog] = []
    monkeypatch.setattr(QDialog, "open", lambda self: opened.append(self))
    window.add_to_comparison(["tens"])
    window.comparison.select_column(0)
    window.details_action.trigger()
    assert opened and opened[0].windowTitle().startswith("TENS")


def test_catalog_never_calls_disagreeing_findings_a_benefit(window) -> None:
    choose_condition(window, "sciatica")
    model = window.catalog.model
    text = model.index(model.row_of("epidural-steroid-injection"), 1).data()
    assert text.endswith("mixed")  # short-term benefit, none after 3 months


def test_catalog_rows_say_certainty_and_direction(window) -> None:
    choose_condition(window, "chronic-low-back-pain")
    model = window.catalog.model
    row = model.row_of("traction-decompression")
    text = model.index(row, 1).data()
    assert "no benefit" in text or "mixed" in text
    assert isinstance(model.index(row, 0).data(CatalogTableModel.SlugRole), str)


def test_window_fits_1280_by_720_even_at_150_percent_font(qtbot, data_dir, settings_file) -> None:
    from PySide6.QtGui import QFont

    app = QApplication.instance()
    original = QFont(app.font())
    large = QFont(original)
    large.setPointSizeF(original.pointSizeF() * 1.5)
    app.setFont(large)
    try:
        window = open_window(qtbot, data_dir, settings_file)
        window.add_to_comparison(["exercise-therapy", "tens", "watchful-waiting"])
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 720, hint
        window.resize(1280, 720)
        qtbot.wait(50)
        # Buttons are wide enough for their text: nothing is clipped at 150 %.
        from PySide6.QtWidgets import QPushButton

        for button in window.findChildren(QPushButton):
            if button.isVisible():
                needed = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
                assert button.width() >= needed, button.text()
        window.close()
        window.service.close()
    finally:
        app.setFont(original)


def test_watchful_waiting_reads_as_the_natural_course_not_a_benefit(window) -> None:
    model = window.catalog.model
    row = model.row_of("watchful-waiting")
    assert model.index(row, 1).data() == "Baseline: natural course"
    window.plain_action.trigger()
    assert model.index(row, 1).data() == "What happens without treatment"
