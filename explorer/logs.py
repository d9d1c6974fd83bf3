"""The log file's format: never health information in it.

Consult notes can reach an error's text in two ways: SQLAlchemy appends a statement's
parameters (switched off on every engine with ``hide_parameters=True``), and PostgreSQL
adds a ``DETAIL:`` line that repeats the refused row or key ("Failing row contains (…)",
"Key (id)=(…)"). The formatter drops those lines from every logged message and traceback,
so the log can go to support as it is.
"""

from __future__ import annotations

import logging
import re

# A DETAIL runs to the next part of the message that SQLAlchemy, psycopg or a traceback
# writes (whole markers: a note's own line may start with "The above…"), or to the end; a
# refused row may itself hold line breaks. A DETAIL inside a line (an exception's repr) is
# cut from there on too.
_NEXT_PART = "|".join(
    re.escape(marker)
    for marker in (
        "HINT:  ",
        "CONTEXT:  ",
        "[SQL: ",
        "[parameters: ",
        "(Background on this error at: ",
        "Traceback (most recent call last):",
        "The above exception was the direct cause of the following exception:",
        "During handling of the above exception, another exception occurred:",
    )
)
_DETAIL = re.compile(rf"DETAIL:.*?(?=^[ \t]*(?:{_NEXT_PART})|\Z)", re.MULTILINE | re.DOTALL)
_PARAMETERS = re.compile(r"^\s*\[parameters: .*$", re.MULTILINE)
REDACTED = "DETAIL: (left out of the log: it can hold patient data)\n"


def redact(text: str) -> str:
    """``text`` without a server's DETAIL lines and SQLAlchemy's parameter lines."""
    return _PARAMETERS.sub("[parameters left out]", _DETAIL.sub(REDACTED, text))


class PrivateFormatter(logging.Formatter):
    """A :class:`logging.Formatter` whose output goes through :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
