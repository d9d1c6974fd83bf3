"""Command line: ``explorer`` opens the window; ``explorer kb …`` works on the knowledge base.

Every command accepts ``--data-dir DIR`` (or ``EXPLORER_DATA_DIR``) and
``--database-url URL`` (or ``EXPLORER_DATABASE_URL``: a shared PostgreSQL server). Exit codes:
0 success, 1 content refused (validate/import), 2 usage error or unknown slug,
3 the data could not be used (damaged, locked or unwritable files).

This module stays tiny: opening the window must not pay for argparse, logging or the
knowledge-base code. The commands live in :mod:`explorer.cli_commands`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_USAGE = 2


class UsageError(Exception):
    """Arguments that cannot be used; the message says what to type instead."""


EMPTY_DATABASE_URL = (
    "--database-url needs a URL: postgresql://USER@HOST:5432/DATABASE (see "
    "docs/several-pcs.md). Leave it out to use this PC's data folder."
)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # Output piped into a program that stopped reading (``| head``): not an error.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _window_only(argv: Sequence[str]) -> tuple[bool, str | None]:
    """``explorer``, ``explorer gui`` or ``explorer [gui] --data-dir DIR`` open the window
    without building the argument parser (start-up time matters for the window)."""
    rest = [a for a in argv if a != "gui"]
    if len(argv) - len(rest) > 1:
        return False, None
    if not rest:
        return True, None
    if len(rest) == 2 and rest[0] == "--data-dir" and not rest[1].startswith("-"):
        return True, rest[1]
    if len(rest) == 1 and rest[0].startswith("--data-dir=") and len(rest[0]) > 11:
        return True, rest[0].split("=", 1)[1]
    return False, None


def _take_database_url(argv: list[str]) -> list[str]:
    """Move ``--database-url URL`` (anywhere in the arguments) into ``$EXPLORER_DATABASE_URL``,
    which every command and the window read; the rest of the arguments are returned."""
    if not any(a.startswith("--datab") for a in argv):
        return argv
    import os

    rest: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--database-url" or arg.startswith("--database-url="):
            value = next(items, "") if arg == "--database-url" else arg.split("=", 1)[1]
            if not value.strip():  # an empty value must not quietly mean "this PC only"
                raise UsageError(EMPTY_DATABASE_URL)
            os.environ["EXPLORER_DATABASE_URL"] = value
        elif arg.startswith("--datab"):  # --database, --database-ur=…: a typo, not a flag
            raise UsageError(f"unknown option {arg.split('=', 1)[0]}; did you mean --database-url?")
        else:
            rest.append(arg)
    return rest


def _private_files() -> None:
    """Files this process creates (databases, settings, logs, exports, backups) are readable
    by the current user only: consult notes are health information."""
    import os

    if os.name == "posix":
        os.umask(0o077)


def _main(argv: Sequence[str] | None) -> int:
    _private_files()
    try:
        arguments = _take_database_url(sys.argv[1:] if argv is None else list(argv))
    except UsageError as exc:
        print(f"explorer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    window, data_dir = _window_only(arguments)
    if window:
        from explorer.ui.app import run

        return run(data_dir)
    from explorer.cli_commands import run_command

    return run_command(arguments)


def gui_main() -> int:
    """Entry point of the windowed launcher (no console on Windows)."""
    _private_files()
    try:
        arguments = _take_database_url(sys.argv[1:])
    except UsageError as exc:  # no console here: say it in a window
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 - must exist
        QMessageBox.critical(None, "Spine Treatment Explorer", str(exc))
        return EXIT_USAGE
    window, data_dir = _window_only(arguments)
    if window:
        from explorer.ui.app import run

        return run(data_dir)
    from explorer.cli_commands import run_command

    return run_command(arguments)
