"""Rich text for one comparison cell; every piece with sources is a link to its provenance."""

from __future__ import annotations

from explorer.domain.comparison import Cell
from explorer.ui.window.style import CAUTION_COLOUR, HARM_COLOUR, caution_flag, certainty_badge, esc

ANCHOR_PREFIX = "prov"


def anchor(row: int, column: int, piece: int) -> str:
    return f"{ANCHOR_PREFIX}:{row}:{column}:{piece}"


def parse_anchor(href: str) -> tuple[int, int, int] | None:
    parts = href.split(":")
    if len(parts) != 4 or parts[0] != ANCHOR_PREFIX:
        return None
    try:
        return int(parts[1]), int(parts[2]), int(parts[3])
    except ValueError:
        return None


def cell_html(cell: Cell, *, row: int, column: int) -> str:
    """HTML of ``cell``; badges and numbers link to ``prov:row:column:piece``."""
    out: list[str] = []
    for i, piece in enumerate(cell.pieces):
        if piece.kind == "certainty" and piece.certainty is not None:
            body = certainty_badge(piece.certainty, piece.text)
        elif piece.kind == "flag":
            body = caution_flag(piece.text)
        elif piece.kind == "heading":
            body = f"<b>{esc(piece.text)}</b>"
        elif piece.kind == "missing":
            body = f"<i>{esc(piece.text)}</i>"
        elif piece.kind == "harm" and piece.text.startswith("Serious: "):
            rest = esc(piece.text.removeprefix("Serious: "))
            body = f'<b style="color:{HARM_COLOUR}">Serious:</b> {rest}'
        else:
            body = esc(piece.text)
            if piece.caution:
                body = f'<span style="color:{CAUTION_COLOUR}">{body}</span>'
        if piece.sources:
            body = f'<a href="{anchor(row, column, i)}" style="text-decoration:none">{body}</a>'
        if out:
            out.append("<br>" if piece.new_paragraph else " ")
        out.append(body)
    return "".join(out)
