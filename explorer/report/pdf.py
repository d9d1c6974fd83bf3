"""Write a report to PDF with QTextDocument and QPdfWriter: A4, a running header,
"Page x of y" on every page, optional PDF/A-1b, and an atomic write.

QtGui only (no widgets); chart images are passed in already rendered.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from explorer.errors import UserFacingError
from explorer.report.content import ReportContent, report_html

RESOLUTION = 300  # dots per inch
MARGIN_MM = 15.0


def _document(
    html: str, images: Mapping[str, QImage], width: float, device: QPagedPaintDevice
) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    document.setDefaultFont(font)
    for name, image in images.items():
        # PDF/A-1 forbids transparency: every image is flattened to opaque RGB.
        opaque = image.convertToFormat(QImage.Format.Format_RGB32)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), opaque)
    document.setHtml(html)
    document.setTextWidth(width)
    return document


def write_pdf(
    content: ReportContent,
    path: Path,
    *,
    images: Mapping[str, QImage] | None = None,
    pdfa: bool = False,
) -> int:
    """Render ``content`` to ``path`` atomically; returns the number of pages.

    The PDF is written to a temporary file beside ``path`` and renamed over it only when
    complete: a failure never leaves a partial PDF or destroys an existing file.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserFacingError(f"Cannot write to the folder {folder}: it does not exist.")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise UserFacingError(
            f"Cannot write to the folder {folder} ({exc.strerror}). Choose a folder you can "
            "write to."
        ) from exc
    try:
        pages = _render(content, Path(temp_name), images or {}, pdfa)
        if Path(temp_name).stat().st_size == 0:
            raise UserFacingError(f"Could not write {path}: the PDF came out empty.")
        os.replace(temp_name, path)
        return pages
    except OSError as exc:
        raise UserFacingError(
            f"Could not write {path} ({exc.strerror}). Nothing was "
            "changed; free some disk space or choose another folder."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)


def _render(content: ReportContent, target: Path, images: Mapping[str, QImage], pdfa: bool) -> int:
    writer = QPdfWriter(str(target))
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
    return paint_report(content, writer, images)


def paint_report(
    content: ReportContent, device: QPagedPaintDevice, images: Mapping[str, QImage]
) -> int:
    """Lay the report out on ``device`` (a PDF writer or a printer): the one renderer of
    PDF export, print and print preview. Returns the number of pages."""
    resolution = device.logicalDpiX()
    page = device.pageLayout().paintRectPixels(resolution)
    width, height = float(page.width()), float(page.height())
    html, _sources = report_html(content)
    document = _document(html, images, width, device)
    line = 0.4 * resolution  # header and footer bands, ~1 cm
    body = height - 2 * line
    document.setPageSize(QSizeF(width, body))
    count = document.pageCount()
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(5, "the document could not be started")
    try:
        small = QFont("DejaVu Sans")
        small.setPointSizeF(8)
        header = " · ".join(
            part
            for part in (
                "Spine Treatment Explorer",
                content.clinic_name,
                f"{content.date:%d %b %Y}",
                content.patient_label,
            )
            if part
        )
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for number in range(count):
            if number:
                device.newPage()
            painter.setFont(small)
            painter.drawText(QRectF(0, 0, width, line * 0.8), left, header)
            painter.drawText(
                QRectF(0, height - line * 0.8, width, line * 0.8),
                right,
                f"Page {number + 1} of {count}",
            )
            painter.save()
            painter.translate(0, line - number * body)
            document.drawContents(painter, QRectF(0, number * body, width, body))
            painter.restore()
    finally:
        painter.end()
    return count
