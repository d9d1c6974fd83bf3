"""The comparison report now lives in the report layer (:mod:`explorer.report.build`), with
its charts drawn for paper by :mod:`explorer.report.print_charts`; this module keeps the
window's imports working."""

from explorer.report.build import (
    PRINT_WIDTH,
    build_report,
    chart_images,
    export_pdf,
    suggested_file_name,
)

__all__ = ["PRINT_WIDTH", "build_report", "chart_images", "export_pdf", "suggested_file_name"]
