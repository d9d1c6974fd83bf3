"""Build and write the comparison report (clinician summary or patient handout) with its
charts drawn for paper by :mod:`explorer.report.print_charts`: the one path for PDF export
in the window, print, print preview and the headless ``explorer export`` command.

QtGui only (a ``QGuiApplication`` is enough; offscreen is fine).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtGui import QImage

from explorer.domain.charts import NATURAL_HISTORY, outcome_groups
from explorer.domain.models import ExplorerSnapshot, Statistic, Treatment
from explorer.domain.text import TextKind, clean_text
from explorer.report.content import ReportContent, Variant, default_review_date
from explorer.report.pdf import write_pdf
from explorer.report.print_charts import (
    PRINT_WIDTH,
    PrintChart,
    icon_chart,
    outcome_chart,
    timeline_chart,
)

__all__ = [
    "PRINT_WIDTH",
    "build_report",
    "chart_images",
    "export_pdf",
    "suggested_file_name",
]

Charts = tuple[dict[str, QImage], list[tuple[str, str, str]]]


class _Drawing:
    """How to draw a comparison's charts; not part of the cache key (the key names the
    comparison, and the data to draw it is the same for the same key)."""

    def __init__(self, draw: Callable[[], Charts]) -> None:
        self.draw = draw

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Drawing)


@functools.lru_cache(maxsize=8)
def _drawn(key: tuple[object, ...], drawing: _Drawing) -> Charts:
    return drawing.draw()


def chart_images(
    variant: Variant,
    treatments: Sequence[Treatment],
    condition: str | None,
    condition_name: str,
    statistics: Sequence[Statistic],
    kb_version: str,
) -> Charts:
    """The chart images a report shows and their captions (in report order).

    Drawn once per comparison, condition, variant and knowledge-base version within a
    process: exporting, printing and previewing the same comparison reuse the images.
    """
    key = (variant, tuple(t.slug for t in treatments), condition, kb_version)
    images, captions = _drawn(
        key,
        _Drawing(
            functools.partial(
                _draw_charts, variant, treatments, condition, condition_name, statistics, kb_version
            )
        ),
    )
    return dict(images), list(captions)


def _draw_charts(
    variant: Variant,
    treatments: Sequence[Treatment],
    condition: str | None,
    condition_name: str,
    statistics: Sequence[Statistic],
    kb_version: str,
) -> Charts:
    images: dict[str, QImage] = {}
    captions: list[tuple[str, str, str]] = []

    def add(name: str, chart: PrintChart, caption: str) -> None:
        images[name] = chart.image
        captions.append((name, caption, chart.small_print))

    plain = variant == "patient"
    if not treatments:
        return images, captions
    if not plain and outcome_groups(treatments, condition).groups:
        add(
            "chart-outcomes.png",
            outcome_chart(treatments, condition, condition_name, kb_version),
            "Effects on the most often reported outcome (comparable findings only; the "
            "table has the rest).",
        )
    wanted = NATURAL_HISTORY.get(condition or "")
    natural = next((s for s in statistics if s.id == wanted), None)
    if plain and natural is not None:
        add(
            "chart-icons.png",
            icon_chart(natural, kb_version, plain=True),
            "What usually happens over time, out of 100 people.",
        )
    add(
        "chart-timeline.png",
        timeline_chart(treatments, kb_version, plain=plain),
        "When it may start to help, and how long the help lasted, in weeks."
        if plain
        else "When benefit may start and how long it was measured, in weeks.",
    )
    return images, captions


def build_report(
    snapshot: ExplorerSnapshot,
    treatments: Sequence[Treatment],
    condition: str | None,
    *,
    variant: Variant,
    notes: str = "",
    patient_label: str = "",
    clinic_name: str = "",
    clinician: str = "",
    priorities: Sequence[str] = (),
    plan: str = "",
    review_date: dt.date | None = None,
    today: dt.date | None = None,
    with_charts: bool = True,
) -> tuple[ReportContent, dict[str, QImage]]:
    """The report's content and its chart images, ready for :func:`export_pdf` or
    :func:`explorer.report.pdf.paint_report`."""
    names = {c.slug: c.name for c in snapshot.conditions}
    plain_names = {c.slug: c.plain_name for c in snapshot.conditions}
    date = today or dt.date.today()
    images: dict[str, QImage] = {}
    captions: list[tuple[str, str, str]] = []
    if with_charts:
        chart_name = (plain_names if variant == "patient" else names).get(
            condition or "", "all conditions"
        )
        images, captions = chart_images(
            variant,
            treatments,
            condition,
            chart_name,
            snapshot.statistics,
            snapshot.info.kb_version,
        )
    label = TextKind.LABEL  # typed text may come unsaved from the window or from arguments
    content = ReportContent(
        variant=variant,
        info=snapshot.info,
        treatments=tuple(treatments),
        condition=condition,
        condition_names=names,
        plain_condition_names=plain_names,
        clinic_name=clean_text(clinic_name, label),
        clinician=clean_text(clinician, label),
        patient_label=clean_text(patient_label, label),
        date=date,
        priorities=tuple(clean_text(p, TextKind.NOTE) for p in priorities),
        notes=clean_text(notes, TextKind.NOTES),
        plan=clean_text(plan, TextKind.NOTE),
        review_date=review_date or default_review_date(date),
        charts=tuple(captions),
    )
    return content, images


def export_pdf(
    path: Path, content: ReportContent, images: dict[str, QImage], *, pdfa: bool = False
) -> int:
    """Write the report to ``path`` atomically; returns the number of pages."""
    return write_pdf(content, path, images=images, pdfa=pdfa)


def suggested_file_name(date: dt.date, patient_label: str, variant: Variant) -> str:
    """``2026-11-26 comparison J-Smith patient.pdf``: the date and the label."""
    label = "".join(
        c if c.isalnum() or c in "-_" else "-" for c in clean_text(patient_label, TextKind.LABEL)
    )
    parts = [f"{date:%Y-%m-%d}", "comparison", label.strip("-"), variant]
    return " ".join(p for p in parts if p) + ".pdf"
