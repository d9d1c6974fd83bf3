"""Build and write the comparison PDF (clinician summary or patient handout), with the
charts rendered by the same chart code as on screen. Used by the window and by the
headless ``explorer export`` command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QImage

from explorer.domain.charts import NATURAL_HISTORY, outcome_groups
from explorer.domain.models import Statistic, Treatment
from explorer.report.content import ReportContent, Variant, default_review_date
from explorer.report.pdf import write_pdf
from explorer.services.explorer_data import ExplorerSnapshot

PRINT_WIDTH = 1200  # px: ~170 dpi across an A4 text width, sharp in print, quick to embed
_cache: dict[tuple[object, ...], tuple[dict[str, QImage], list[tuple[str, str]]]] = {}


def chart_images(
    variant: Variant,
    treatments: Sequence[Treatment],
    condition: str | None,
    condition_name: str,
    statistics: Sequence[Statistic],
    kb_version: str,
) -> tuple[dict[str, QImage], list[tuple[str, str]]]:
    """The charts a report shows (needs a QApplication; offscreen is fine).

    Rendered once per comparison, condition, variant and knowledge-base version: exporting
    both variants, printing and previewing the same comparison reuse the images.
    """
    key = (variant, tuple(t.slug for t in treatments), condition, kb_version)
    if key not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = _render_charts(
            variant, treatments, condition, condition_name, statistics, kb_version
        )
    images, captions = _cache[key]
    return dict(images), list(captions)


def _render_charts(
    variant: Variant,
    treatments: Sequence[Treatment],
    condition: str | None,
    condition_name: str,
    statistics: Sequence[Statistic],
    kb_version: str,
) -> tuple[dict[str, QImage], list[tuple[str, str]]]:
    from explorer.ui.charts.icon_array_chart import IconArrayChart
    from explorer.ui.charts.outcome_chart import OutcomeChart
    from explorer.ui.charts.timeline_chart import TimelineChart

    images: dict[str, QImage] = {}
    captions: list[tuple[str, str]] = []
    plain = variant == "patient"
    if not treatments:
        return images, captions
    if not plain and outcome_groups(treatments, condition).groups:
        outcomes = OutcomeChart()
        outcomes.set_kb_version(kb_version)
        outcomes.set_data(treatments, condition, condition_name)
        images["chart-outcomes.png"] = outcomes.render_image(PRINT_WIDTH)
        captions.append(
            (
                "chart-outcomes.png",
                "Effects on the most often reported outcome "
                "(comparable findings only; see the table for the rest).",
            )
        )
    wanted = NATURAL_HISTORY.get(condition or "")
    if plain and wanted and any(s.id == wanted for s in statistics):
        icons = IconArrayChart()
        icons.set_kb_version(kb_version)
        icons.set_data(list(statistics))
        icons.set_plain(True)
        icons.select_statistic(wanted)
        images["chart-icons.png"] = icons.render_image(PRINT_WIDTH)
        captions.append(("chart-icons.png", "What usually happens over time, out of 100 people."))
    timeline = TimelineChart()
    timeline.set_kb_version(kb_version)
    timeline.set_data(treatments)
    timeline.set_plain(plain)
    images["chart-timeline.png"] = timeline.render_image(PRINT_WIDTH)
    captions.append(
        ("chart-timeline.png", "When benefit may start and how long it was measured, in weeks.")
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
    names = {c.slug: c.name for c in snapshot.conditions}
    plain_names = {c.slug: c.plain_name for c in snapshot.conditions}
    date = today or dt.date.today()
    images: dict[str, QImage] = {}
    captions: list[tuple[str, str]] = []
    condition_name = names.get(condition or "", "all conditions")
    if with_charts:
        images, captions = chart_images(
            variant,
            treatments,
            condition,
            condition_name,
            snapshot.statistics,
            snapshot.info.kb_version,
        )
    content = ReportContent(
        variant=variant,
        info=snapshot.info,
        treatments=tuple(treatments),
        condition=condition,
        condition_names=names,
        plain_condition_names=plain_names,
        clinic_name=clinic_name,
        clinician=clinician,
        patient_label=patient_label,
        date=date,
        priorities=tuple(priorities),
        notes=notes,
        plan=plan,
        review_date=review_date or default_review_date(date),
        charts=tuple(captions),
    )
    return content, images


def export_pdf(
    path: Path, content: ReportContent, images: dict[str, QImage], *, pdfa: bool = False
) -> int:
    return write_pdf(content, path, images=images, pdfa=pdfa)


def suggested_file_name(date: dt.date, patient_label: str, variant: Variant) -> str:
    """``2026-11-26 comparison J-Smith patient.pdf``: the date and the label."""
    label = "".join(c if c.isalnum() or c in "-_" else "-" for c in patient_label.strip())
    parts = [f"{date:%Y-%m-%d}", "comparison", label.strip("-"), variant]
    return " ".join(p for p in parts if p) + ".pdf"
