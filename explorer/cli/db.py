"""``explorer db info``, ``db copy`` and ``db password``: which database is in use, moving a
clinic between a data folder (SQLite) and a shared PostgreSQL server, and storing this PC's
password for the server in the OS keyring."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.store.backend import Backend

EXIT_OK, EXIT_USAGE = 0, 2


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    db = commands.add_parser("db", parents=[common], help="the database in use; copying it")
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    db_commands.add_parser(
        "info", parents=[common], help="which database is in use, its schema and its size"
    )
    copy = db_commands.add_parser(
        "copy",
        parents=[common],
        help="copy a clinic (knowledge base, consults, PIN, audit log) into an empty database",
    )
    copy.add_argument(
        "--from", dest="source", required=True, metavar="URL", help="data folder or URL"
    )
    copy.add_argument(
        "--to", dest="target", required=True, metavar="URL", help="empty data folder or URL"
    )
    password = db_commands.add_parser(
        "password",
        parents=[common],
        help="store this PC's password for the --database-url server in the OS keyring "
        "(asked twice, login checked first)",
    )
    how = password.add_mutually_exclusive_group()
    how.add_argument(
        "--stdin", action="store_true", help="read the password from one line of standard input"
    )
    how.add_argument("--forget", action="store_true", help="remove the stored password")


def run(args: argparse.Namespace, backend: Backend) -> int:
    if args.db_command == "password":
        return _password(args, backend)
    if args.db_command == "copy":
        from explorer.services.db_copy import copy_database

        report = copy_database(args.source, args.target)
        print("\n".join(report.lines()))
        return EXIT_OK
    from sqlalchemy import func, select

    from explorer.services.stores import open_stores
    from explorer.store.backend import migrate
    from explorer.store.clinic_models import ConsultRow

    stores = open_stores(backend)
    try:
        print(f"database: {stores.describe()}")
        for kind, engine in (("knowledge", stores.knowledge), ("clinic", stores.clinic)):
            print(f"{kind} schema: revision {migrate.current_revision(engine)}")
        with stores.clinic.connect() as connection:
            count = connection.execute(select(func.count()).select_from(ConsultRow)).scalar()
        print(f"consults: {count}")
    finally:
        stores.close()
    return EXIT_OK


def _error(message: str) -> None:
    print(f"explorer: {message}", file=sys.stderr)


def _password(args: argparse.Namespace, backend: Backend) -> int:
    """``explorer db password``: keep this PC's password in the OS keyring (or say how to use
    the pgpass file); the password is only ever read from the terminal or standard input."""
    from explorer.store.backend import login as server_login

    target = backend.server
    if target is None:
        _error(
            "name the server: explorer db password --database-url "
            "postgresql://USER@HOST:5432/DATABASE"
        )
        return EXIT_USAGE
    key = server_login.login_key(target)
    if args.forget:
        server_login.usable_keyring(target)
        if server_login.forget_password(target):
            print(f"Password forgotten for {key}.")
        else:
            print(f"No password was stored for {key} in the OS keyring.")
        return EXIT_OK
    if args.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass(f"Password of {key} on the database server: ")
        if password and getpass.getpass("The same password again: ") != password:
            _error("the two passwords differ; nothing was stored.")
            return EXIT_USAGE
    if not password:
        _error("no password given; nothing was stored.")
        return EXIT_USAGE
    server_login.store_password(target, password)
    print(f"Password stored for {key}; login checked.")
    return EXIT_OK
