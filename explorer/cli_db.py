"""``explorer db info`` and ``explorer db copy``: which database is in use, and moving a
clinic between a data folder (SQLite) and a shared PostgreSQL server."""

from __future__ import annotations

import argparse
from typing import Any

EXIT_OK = 0


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


def run(args: argparse.Namespace, data_dir_arg: str | None) -> int:
    if args.db_command == "copy":
        from explorer.services.db_copy import copy_database

        report = copy_database(args.source, args.target)
        print("\n".join(report.lines()))
        return EXIT_OK
    from sqlalchemy import func, select

    from explorer.paths import resolve_data_dir
    from explorer.services.knowledge import open_stores
    from explorer.store import migrate
    from explorer.store.clinic_models import ConsultRow

    stores = open_stores(resolve_data_dir(data_dir_arg))
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
