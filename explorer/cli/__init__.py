"""Command line: ``explorer`` opens the window; ``explorer kb …`` works on the knowledge base.

Every command accepts ``--data-dir DIR`` (or ``EXPLORER_DATA_DIR``) and
``--database-url URL`` (or ``EXPLORER_DATABASE_URL``: a shared PostgreSQL server), before
or after the command. Exit codes: 0 success, 1 content refused (validate/import), 2 usage
error or unknown slug, 3 the data could not be used (damaged, locked or unwritable files).

argparse parses every option, once. The window's start does not build the parser of every
command (about 15 ms): a parser of the global options alone takes ``explorer [gui]
[--data-dir DIR] [--database-url URL]``; any other arguments go to the full parser of
:mod:`explorer.cli.commands`. Both then resolve the data folder and the database once,
into the :class:`~explorer.store.backend.Backend` that everything below receives.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from explorer.store.backend import Backend

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DATA = 3

EMPTY_DATABASE_URL = (
    "--database-url needs a URL: postgresql://USER@HOST:5432/DATABASE (see "
    "docs/several-pcs.md). Leave it out to use this PC's data folder."
)


class Parser(argparse.ArgumentParser):
    """No abbreviated options: ``--database URL`` must not be taken for ``--database-url``
    by the parser (which only documents it) while the server is silently not used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


class _DatabaseUrl(argparse.Action):
    """``--database-url`` with an empty value (or none) is a usage error: it must not
    quietly mean "this PC's data folder"."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: Any, values: Any, *_: Any
    ) -> None:
        if not isinstance(values, str) or not values.strip():
            parser.error(EMPTY_DATABASE_URL)
        setattr(namespace, self.dest, values)


class _Typo(argparse.Action):
    """``--database``: refused by name (not an abbreviation, and not silently unused)."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: Any, values: Any, *_: Any
    ) -> None:
        parser.error("unknown option --database; did you mean --database-url?")


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """``--data-dir`` and ``--database-url``: accepted before and after every command."""
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="data folder (default: $EXPLORER_DATA_DIR, else the per-user folder)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        nargs="?",
        action=_DatabaseUrl,
        default=argparse.SUPPRESS,
        help="a shared PostgreSQL server, postgresql://USER@HOST:5432/DATABASE (default: "
        "$EXPLORER_DATABASE_URL, else the data folder's SQLite files); no password in it",
    )
    parser.add_argument(
        "--database", nargs="?", action=_Typo, default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


class _NotTheWindow(Exception):
    """The arguments are more than the window's: the full parser takes them."""


class _WindowParser(Parser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheWindow(message)


def _window_parser() -> argparse.ArgumentParser:
    parser = _WindowParser(prog="explorer", add_help=False)
    add_global_options(parser)
    parser.add_argument("command", nargs="?", choices=["gui"])
    return parser


def parse(arguments: Sequence[str]) -> argparse.Namespace:
    """The parsed arguments (``command`` None or "gui" for the window). A usage error
    exits (SystemExit 2) with argparse's message."""
    try:
        return _window_parser().parse_args(arguments)
    except _NotTheWindow:
        from explorer.cli.commands import parser

        return parser().parse_args(arguments)


def backend_of(args: argparse.Namespace) -> Backend:
    """The data folder and database of these arguments (else of the environment): read
    once, here, for the whole process."""
    from explorer.store.backend import backend_from_arguments

    return backend_from_arguments(
        getattr(args, "data_dir", None), getattr(args, "database_url", None)
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # Output piped into a program that stopped reading (``| head``): not an error.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _private_files() -> None:
    """Files this process creates (databases, settings, logs, exports, backups) are readable
    by the current user only: consult notes are health information."""
    import os

    if os.name == "posix":
        os.umask(0o077)


def _parsed(argv: Sequence[str] | None) -> argparse.Namespace | int:
    try:
        return parse(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exc:  # a usage error (said by argparse), --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def _main(argv: Sequence[str] | None) -> int:
    _private_files()
    args = _parsed(argv)
    if isinstance(args, int):
        return args
    from explorer.errors import UserFacingError

    try:
        backend = backend_of(args)
    except UserFacingError as exc:  # a --database-url that cannot be used
        print(f"explorer: {exc}", file=sys.stderr)
        return EXIT_DATA
    if args.command in (None, "gui"):
        from explorer.ui.window.app import run

        return run(backend)
    from explorer.cli.commands import run_command

    return run_command(args, backend)


def gui_main() -> int:
    """Entry point of the windowed launcher (no console on Windows)."""
    _private_files()
    import contextlib
    import io

    said = io.StringIO()
    with contextlib.redirect_stderr(said):  # no console here: say it in a window
        args = _parsed(None)
    problem = said.getvalue().strip()
    backend = None
    if not isinstance(args, int):
        from explorer.errors import UserFacingError

        try:
            backend = backend_of(args)
        except UserFacingError as exc:
            problem, args = str(exc), EXIT_DATA
    if isinstance(args, int) or backend is None:
        if problem:
            from PySide6.QtWidgets import QApplication, QMessageBox

            app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 - must exist
            QMessageBox.critical(None, "Spine Treatment Explorer", problem)
        return args if isinstance(args, int) else EXIT_DATA
    if args.command in (None, "gui"):
        from explorer.ui.window.app import run

        return run(backend)
    from explorer.cli.commands import run_command

    return run_command(args, backend)
