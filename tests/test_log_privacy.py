"""The log file never holds consult text: PostgreSQL's DETAIL lines (which repeat a refused
row) are left out by the log's formatter, however the row's text is shaped."""

from __future__ import annotations

import pytest


def test_the_log_drops_a_detail_over_several_lines_and_keeps_what_follows() -> None:
    from explorer.logs import redact

    message = (
        'null value in column "created_at" violates not-null constraint\n'
        "DETAIL:  Failing row contains (1, <p>first line\nSECRET second line</p>, null).\n"
        "[SQL: INSERT INTO consult (id) VALUES (%(id)s)]\n"
        "(Background on this error at: https://sqlalche.me/e/21/gkpj)\n"
        "\nThe above exception was the direct cause of the following exception:\n"
    )
    kept = redact(message)
    assert "SECRET" not in kept and "first line" not in kept
    assert "[SQL: INSERT INTO consult" in kept and "The above exception" in kept
    assert "DETAIL: (left out of the log" in kept


@pytest.mark.parametrize(
    "detail",
    [
        "DETAIL:  Failing row contains (1, rest.\nThe above-mentioned MRI: SECRET, x).\n",
        "DETAIL:  Failing row contains (1, Traceback SECRET\n[SQL is what they said] SECRET).\n",
    ],
)
def test_a_note_line_that_looks_like_a_marker_does_not_end_the_detail(detail: str) -> None:
    """Found in review: "The above…" at the start of a note's line ended the redaction."""
    from explorer.logs import redact

    kept = redact("null value violates not-null constraint\n" + detail + "[SQL: INSERT]\n")
    assert "SECRET" not in kept and "[SQL: INSERT]" in kept


def test_a_detail_inside_a_logged_line_is_left_out_too() -> None:
    from explorer.logs import redact

    line = "audit failed: CheckViolation('x\\nDETAIL:  Failing row contains (1, SECRET)')"
    kept = redact(line + "\nnext record")
    assert "SECRET" not in kept and kept.startswith("audit failed: CheckViolation('x")
