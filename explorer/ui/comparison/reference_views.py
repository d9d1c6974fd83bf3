"""Reference tabs: the stepped care pathway, the glossary and the frequently asked questions.

Each view renders read-only HTML in a QTextBrowser (selectable, scales with the font, follows
the palette) and opens no links: ``treatment:<slug>`` links are reported by signal, source
numbers open a ProvenanceDialog, and ``#`` links scroll within the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtWidgets import (
    QLineEdit,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from explorer.domain.comparison import kind_text, plain_text
from explorer.domain.models import FaqEntry, GlossaryEntry, PathwayStep, SourceRef
from explorer.domain.vocab import PLAIN_NOT_WRITTEN
from explorer.ui.comparison.provenance import make_browser, show_source, source_caution_flag
from explorer.ui.window.style import as_is, caution_flag, esc

_Index = QModelIndex | QPersistentModelIndex


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{esc(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _treatment_link(slug: str, names: Mapping[str, str]) -> str:
    return f'<a href="treatment:{esc(slug)}">{esc(names.get(slug, slug))}</a>'


def _link_names(
    names: Mapping[str, str], plain_names: Mapping[str, str], *, plain: bool
) -> Mapping[str, str]:
    """The names for treatment links: in plain words the entry's plain names (never the
    clinician names, even where a knowledge base has no plain name yet)."""
    if not plain:
        return names
    return {slug: plain_text(plain_names.get(slug)) for slug in names.keys() | plain_names.keys()}


class _HtmlView(QWidget):
    """A widget around one read-only browser whose HTML subclasses build in ``_build``.

    Links: ``treatment:<slug>`` emits ``sig_treatment_clicked(slug)``, ``source:<id>`` opens
    that source's provenance, ``#name`` scrolls to the anchor.
    """

    sig_treatment_clicked = Signal(str)

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plain = False
        self._html = ""
        self._sources: dict[str, SourceRef] = {}
        self.setAccessibleName(accessible_name)
        self.browser = make_browser(self, accessible_name)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)

    def set_plain(self, plain: bool) -> None:
        if plain != self._plain:
            self._plain = plain
            self._render()

    def html(self) -> str:
        return self._html

    def explain_words(self, glossary: Sequence[GlossaryEntry]) -> None:
        """Patient mode: end the page with the glossary words it uses, explained."""
        self._explain = tuple(glossary)
        self._render()

    def _build(self) -> str:
        raise NotImplementedError

    def _render(self) -> None:
        """Rebuild the HTML, keeping the reader's place (toggles must not jump to the top)."""
        self._html = self._build()
        if getattr(self, "_explain", ()):
            from explorer.ui.comparison.glossary_words import words_used_html

            self._html += words_used_html(self._html, self._explain)
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.browser.setHtml(self._html)
        bar.setValue(position)

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        scheme, _, key = url.toString().partition(":")
        if scheme == "treatment":
            self.sig_treatment_clicked.emit(key)
        elif scheme == "source" and key in self._sources:
            show_source(self, self._sources[key])
        elif url.hasFragment() and not url.scheme():
            self.browser.scrollToAnchor(url.fragment())


class PathwayView(_HtmlView):
    """The numbered care pathway, marking where the compared treatments sit.

    ``sig_treatment_clicked(slug)`` fires when a treatment name is clicked; a step's
    source numbers open their provenance.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Care pathway", parent)
        self._steps: list[PathwayStep] = []
        self._names: dict[str, str] = {}
        self._compared: tuple[str, ...] = ()
        self._render()

    def set_steps(self, steps: Sequence[PathwayStep], treatment_names: Mapping[str, str]) -> None:
        self._steps = sorted(steps, key=lambda s: s.step)
        self._names = dict(treatment_names)
        self._sources = {s.id: s for step in self._steps for s in step.sources}
        self._render()

    def set_compared(self, slugs: Sequence[str]) -> None:
        self._compared = tuple(slugs)
        self._render()

    def _build(self) -> str:
        plain, compared = self._plain, set(self._compared)
        parts = [] if self._steps else ["<p>The care pathway is not loaded yet.</p>"]
        all_plain = {s: n for step in self._steps for s, n in step.plain_names.items()}
        names = _link_names(self._names, all_plain, plain=plain)
        for step in self._steps:
            here = compared.intersection(step.treatments)
            marker = " &nbsp;● in your comparison" if here else ""
            title = plain_text(step.plain_title) if plain else step.title
            parts.append(f"<h3>Step {step.step} · {esc(title)}{marker}</h3>")
            parts.append(_paragraphs(step.plain_description if plain else step.description))
            label = "Options at this step" if plain else "Treatments at this step"
            if step.treatments:
                items = "".join(
                    f"<li><b>{_treatment_link(s, names)} ● in your comparison</b></li>"
                    if s in compared
                    else f"<li>{_treatment_link(s, names)}</li>"
                    for s in step.treatments
                )
                parts.append(f"<p><b>{label}:</b></p><ul>{items}</ul>")
            else:
                parts.append(f"<p><b>{label}:</b> none listed.</p>")
            heading = "When to change the plan" if plain else "Move on when…"
            shown = step.escalation_criteria
            if plain:  # an imported knowledge base may have none yet: never the clinician's
                shown = step.plain_escalation_criteria or (PLAIN_NOT_WRITTEN,)
            criteria = "".join(f"<li>{esc(c)}</li>" for c in shown)
            parts.append(f"<p><b>{heading}</b></p><ul>{criteria}</ul>")
            if step.sources:
                links = " ".join(
                    f'<a href="source:{esc(s.id)}">[{n}]</a>'
                    + (caution_flag("⚠") if s.needs_caution else "")
                    for n, s in enumerate(step.sources, 1)
                )
                parts.append(f"<p><small>Sources (click a number): {links}</small></p>")
        in_a_step = {slug for step in self._steps for slug in step.treatments}
        outside = [s for s in self._compared if s not in in_a_step]
        if self._steps and outside:
            items = "".join(f"<li><b>{_treatment_link(s, names)}</b></li>" for s in outside)
            parts.append(f"<h3>In your comparison but in no step</h3><ul>{items}</ul>")
        return "".join(parts)


class GlossaryListModel(QAbstractListModel):
    """Glossary terms (alphabetical) whose term or a synonym contains the filter text."""

    EntryRole = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[GlossaryEntry] = []
        self._visible: list[GlossaryEntry] = []
        self._filter = ""

    def set_entries(self, entries: Sequence[GlossaryEntry]) -> None:
        self.beginResetModel()
        self._entries = sorted(entries, key=lambda e: e.term.casefold())
        self._visible = self._matching(self._filter)
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        visible = self._matching(needle)
        self._filter = needle
        if visible != self._visible:
            self.beginResetModel()
            self._visible = visible
            self.endResetModel()

    def _matching(self, needle: str) -> list[GlossaryEntry]:
        return [
            e
            for e in self._entries
            if needle in e.term.casefold() or any(needle in s.casefold() for s in e.synonyms)
        ]

    def entry(self, row: int) -> GlossaryEntry:
        return self._visible[row]

    def terms(self) -> list[str]:
        return [e.term for e in self._visible]

    def row_of(self, term: str) -> int:
        wanted = term.strip().casefold()
        return next((r for r, e in enumerate(self._visible) if e.term.casefold() == wanted), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        entry = self._visible[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return entry.term
        if role == Qt.ItemDataRole.ToolTipRole and entry.synonyms:
            return as_is("Also: " + ", ".join(entry.synonyms))
        if role == self.EntryRole:
            return entry
        return None


class GlossaryView(_HtmlView):
    """A filterable list of terms beside the selected term's definition.

    Typing filters on terms and synonyms; Down or Enter in the filter moves into the list.
    ``sig_treatment_clicked(slug)`` fires when a linked treatment is clicked.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Glossary", parent)
        self.browser.setAccessibleName("Glossary definition")
        self._names: dict[str, str] = {}
        self.model = GlossaryListModel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setAccessibleName("Search glossary")
        self.filter_edit.setPlaceholderText("Filter terms")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.filter_edit.returnPressed.connect(self._focus_list)
        self.filter_edit.installEventFilter(self)
        self.list_view = QListView(self)
        self.list_view.setAccessibleName("Glossary terms")
        self.list_view.setModel(self.model)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.list_view.selectionModel().currentChanged.connect(self._on_list_current_changed)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter_edit)
        column.addWidget(self.list_view)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.browser)  # the base layout lets go of the browser
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(220)
        self.layout().addWidget(splitter)
        self.setFocusProxy(self.filter_edit)
        self._render()

    def set_entries(
        self, entries: Sequence[GlossaryEntry], treatment_names: Mapping[str, str]
    ) -> None:
        current = self.current_entry()
        self._names = dict(treatment_names)
        self.model.set_entries(entries)
        self._select(self.model.row_of(current.term) if current else 0)

    def show_term(self, term: str) -> bool:
        """Select ``term`` (case-insensitive), clearing the filter if it hides it."""
        if self.model.row_of(term) < 0 and self.filter_edit.text():
            self.filter_edit.clear()
        row = self.model.row_of(term)
        if row >= 0:
            self._select(row)
        return row >= 0

    def current_entry(self) -> GlossaryEntry | None:
        index = self.list_view.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.filter_edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self._focus_list()
            return True
        return super().eventFilter(watched, event)

    def _focus_list(self) -> None:
        if self.model.rowCount():
            if not self.list_view.currentIndex().isValid():
                self._select(0)
            self.list_view.setFocus(Qt.FocusReason.TabFocusReason)

    def _select(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            self._render()
            return
        index = self.model.index(row, 0)
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)
        self._render()  # also when the row was already current (names or wording changed)

    def _on_list_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._render()

    def _on_filter_edit_text_changed(self, text: str) -> None:
        current = self.current_entry()
        self.model.set_filter(text)
        row = self.model.row_of(current.term) if current else -1
        self._select(max(row, 0))

    def _build(self) -> str:
        entry = self.current_entry()
        if entry is None:
            needle = self.filter_edit.text().strip()
            return f"<p>No term matches “{esc(needle)}”.</p>" if needle else "<p>Pick a term.</p>"
        definition = plain_text(entry.plain_definition) if self._plain else entry.definition
        parts = [f"<h2>{esc(entry.term)}</h2>", _paragraphs(definition)]
        if entry.synonyms:
            label = "Other words for it" if self._plain else "Also called"
            parts.append(f"<p><b>{label}:</b> {esc(', '.join(entry.synonyms))}</p>")
        if entry.treatments:
            names = _link_names(self._names, entry.plain_names, plain=self._plain)
            links = ", ".join(_treatment_link(s, names) for s in entry.treatments)
            label = "Treatments that use this word" if self._plain else "Related treatments"
            parts.append(f"<p><b>{label}:</b> {links}</p>")
        return "".join(parts)


class FaqView(_HtmlView):
    """Every question (with a linked index) and its answer and numbered, kind-labelled sources."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Frequently asked questions", parent)
        self._entries: list[FaqEntry] = []
        self._render()

    def set_entries(self, entries: Sequence[FaqEntry]) -> None:
        self._entries = list(entries)
        self._render()

    def _question(self, entry: FaqEntry) -> str:
        return plain_text(entry.plain_question) if self._plain else entry.question

    def _build(self) -> str:
        if not self._entries:
            return "<p>No questions are loaded yet.</p>"
        plain = self._plain
        index = "".join(
            f'<li><a href="#q{n}">{esc(self._question(e))}</a></li>'
            for n, e in enumerate(self._entries, 1)
        )
        parts = [f"<p><b>Questions</b></p><ol>{index}</ol>"]
        for n, entry in enumerate(self._entries, 1):
            parts.append(f'<h3><a name="q{n}"></a>{esc(self._question(entry))}</h3>')
            parts.append(_paragraphs(plain_text(entry.plain_answer) if plain else entry.answer))
            if entry.sources:
                items = "".join(
                    f"<li><small>{esc(s.citation)} <i>({esc(kind_text(s.kind, plain=plain))})</i> "
                    f"{source_caution_flag(s)}</small></li>"
                    for s in entry.sources
                )
                heading = "Where this comes from" if plain else "Sources"
                parts.append(f"<p><small><b>{heading}</b></small></p><ol>{items}</ol>")
        return "".join(parts)
