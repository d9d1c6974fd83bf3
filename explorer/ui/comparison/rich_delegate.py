"""Paints HTML cells (certainty badges, flags) and reports clicks on their links."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

PADDING = 6


class RichTextDelegate(QStyledItemDelegate):
    """Renders ``html_role`` as rich text; ``sig_link_activated(index, href)`` on a link click."""

    sig_link_activated = Signal(QModelIndex, str)

    def __init__(self, html_role: int, parent=None) -> None:
        super().__init__(parent)
        self._html_role = html_role

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(PADDING)
        text = option.palette.color(QPalette.ColorRole.Text).name()
        document.setDefaultStyleSheet(f"a {{ color: {text}; text-decoration: none; }}")
        document.setHtml(index.data(self._html_role) or "")
        document.setTextWidth(max(40, option.rect.width()))
        return document

    def paint(self, painter, option, index) -> None:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        style = options.widget.style() if options.widget else QApplication.style()
        options.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = option.state & QStyle.StateFlag.State_Selected
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        document = self._document(options, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))

    def anchor_at(self, option: QStyleOptionViewItem, index: QModelIndex, pos) -> str:
        document = self._document(option, index)
        local = QPointF(pos) - QPointF(option.rect.topLeft())
        return document.documentLayout().anchorAt(local)

    def editorEvent(self, event, model, option, index) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and (
            event.button() == Qt.MouseButton.LeftButton
        ):
            href = self.anchor_at(option, index, event.position())
            if href:
                self.sig_link_activated.emit(index, href)
                return True
        return super().editorEvent(event, model, option, index)
