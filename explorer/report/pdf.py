"""Write a report to PDF with QTextDocument and QPdfWriter: A4, a running header,
"Page x of y" on every page, optional PDF/A-1b, and an atomic write.

QtGui only (no widgets); chart images are passed in already rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes, writable_target
from explorer.report.content import ReportContent, report_html

RESOLUTION = 300  # dots per inch
MARGIN_MM = 15.0


def _document(
    html: str, images: Mapping[str, QImage], page: QSizeF, device: QPaintDevice
) -> QTextDocument:
    """The report laid out in pages of ``page`` size on ``device``'s resolution.

    The page size is set before the HTML: setting it afterwards lays the whole document
    out a second time (about half the layout time of an 11-page report).
    """
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    document.setDefaultFont(font)
    for name, image in images.items():
        # PDF/A-1 forbids transparency: every image is flattened to opaque RGB.
        opaque = image.convertToFormat(QImage.Format.Format_RGB888)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), opaque)
    document.setPageSize(page)
    document.setHtml(html)
    return document


def write_pdf(
    content: ReportContent,
    path: Path,
    *,
    images: Mapping[str, QImage] | None = None,
    pdfa: bool = False,
) -> int:
    """Render ``content`` to ``path`` atomically; returns the number of pages.

    The PDF is rendered in memory, then written to a temporary file beside ``path``,
    flushed to disk and renamed over it (:func:`explorer.fileio.atomic_write_bytes`): a
    failure (a full disk, an unwritable folder) never leaves a partial PDF or a temporary
    file, and never touches an existing file of the same name. QPdfWriter does not report
    failed writes, so it never writes to the disk itself.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserFacingError(f"Cannot write to the folder {folder}: it does not exist.")
    writable_target(path)  # refused before the slow part, not after it
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    try:
        pages = _render(content, buffer, images or {}, pdfa)
    except OSError as exc:
        raise UserFacingError(
            f"Could not write {path} ({exc.strerror or exc}). Nothing was changed; free some "
            "disk space or choose another folder."
        ) from exc
    finally:
        buffer.close()
    data = bytes(buffer.data().data())
    if not data.startswith(b"%PDF") or b"%%EOF" not in data[-64:]:
        raise UserFacingError(f"Could not write {path}: the PDF came out incomplete.")
    atomic_write_bytes(path, data)
    return pages


def _render(
    content: ReportContent, target: QIODevice, images: Mapping[str, QImage], pdfa: bool
) -> int:
    writer = QPdfWriter(target)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle("Treatment comparison")
    writer.setCreator("Spine Treatment Explorer")
    if pdfa:
        writer.setPdfVersion(QPagedPaintDevice.PdfVersion.PdfVersion_A1b)
    pages = paint_report(content, writer, images)
    del writer  # the PDF is complete (its trailer written) only once the writer is gone
    return pages


class _Pages:
    """The report laid out for one page size: the body flows over pages of equal height."""

    def __init__(
        self,
        content: ReportContent,
        images: Mapping[str, QImage],
        width: float,
        height: float,
        resolution: float,
        device: QPaintDevice,
    ) -> None:
        self.width, self.height = width, height
        self.line = 0.4 * resolution  # header and footer bands, ~1 cm
        self.body = height - 2 * self.line
        html, _sources = report_html(content)
        self.document = _document(html, images, QSizeF(width, self.body), device)
        self.count = self.document.pageCount()
        self.header = " · ".join(
            part
            for part in (
                "Spine Treatment Explorer",
                content.clinic_name,
                f"{content.date:%d %b %Y}",
                content.patient_label,
            )
            if part
        )

    def draw(self, painter: QPainter, number: int) -> None:
        """Header, page ``number`` (0-based) of the body, and "Page x of y"."""
        small = QFont("DejaVu Sans")
        small.setPointSizeF(8)
        painter.setFont(small)
        band = self.line * 0.8
        painter.drawText(
            QRectF(0, 0, self.width, band),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.header,
        )
        painter.drawText(
            QRectF(0, self.height - band, self.width, band),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"Page {number + 1} of {self.count}",
        )
        painter.save()
        painter.translate(0, self.line - number * self.body)
        self.document.drawContents(painter, QRectF(0, number * self.body, self.width, self.body))
        painter.restore()


def paint_report(
    content: ReportContent, device: QPagedPaintDevice, images: Mapping[str, QImage]
) -> int:
    """Lay the report out on ``device`` (a PDF writer or a printer): the one renderer of
    PDF export, print and print preview. Returns the number of pages."""
    resolution = device.logicalDpiX()
    page = device.pageLayout().paintRectPixels(resolution)
    pages = _Pages(content, images, float(page.width()), float(page.height()), resolution, device)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(5, "the document could not be started")
    try:
        for number in range(pages.count):
            if number:
                device.newPage()
            pages.draw(painter, number)
    finally:
        painter.end()
    return pages.count


def render_pages(
    content: ReportContent, images: Mapping[str, QImage], dpi: int = 60
) -> list[QImage]:
    """The same pages as pictures (white A4 at ``dpi``): for previews and the docs."""
    full = QPageSize(QPageSize.PageSizeId.A4).sizePixels(dpi)
    margin = MARGIN_MM / 25.4 * dpi
    probe = QImage(8, 8, QImage.Format.Format_RGB32)
    probe.setDotsPerMeterX(round(dpi / 0.0254))
    probe.setDotsPerMeterY(round(dpi / 0.0254))
    pages = _Pages(
        content, images, full.width() - 2 * margin, full.height() - 2 * margin, dpi, probe
    )
    result = []
    for number in range(pages.count):
        image = QImage(full, QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(probe.dotsPerMeterX())
        image.setDotsPerMeterY(probe.dotsPerMeterY())
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.translate(margin, margin)
        pages.draw(painter, number)
        painter.end()
        result.append(image)
    return result
