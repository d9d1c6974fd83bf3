"""The comparison as one HTML table, for print and print preview."""

from __future__ import annotations

from explorer.domain.comparison import ROWS
from explorer.domain.models import KnowledgeBaseInfo
from explorer.ui.cell_html import cell_html
from explorer.ui.comparison_model import ComparisonTableModel
from explorer.ui.style import esc


def comparison_html(
    model: ComparisonTableModel, condition: str | None, info: KnowledgeBaseInfo | None
) -> str:
    heads = "".join(f"<th>{esc(t.name)}</th>" for t in model.treatments())
    rows = []
    for r, _row in enumerate(ROWS):
        label = esc(str(model.headerData(r, 2)))  # Qt.Orientation.Vertical == 2
        cells = "".join(
            f"<td valign='top'>{cell_html(model.cell(r, c), row=r, column=c)}</td>"
            for c in range(model.columnCount())
        )
        rows.append(f"<tr><th align='left' valign='top'>{label}</th>{cells}</tr>")
    scope = esc(condition) if condition else "all conditions"
    footer = ""
    if info is not None:
        footer = (
            f"<p style='font-size:small'>Knowledge base {esc(info.kb_version)}, reviewed "
            f"{info.last_reviewed:%d %B %Y}. {esc(info.disclaimer)}</p>"
        )
    return (
        f"<h2>Treatment comparison: {scope}</h2>"
        f"<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        f"<tr><th></th>{heads}</tr>{''.join(rows)}</table>{footer}"
    )
