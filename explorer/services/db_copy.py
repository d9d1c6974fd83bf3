"""``explorer db copy``: move a single-PC clinic onto the shared server, or back.

A location is a data folder (SQLite; ``sqlite:///FOLDER`` is accepted too) or a PostgreSQL
URL. The source is opened the usual way (a SQLite folder is upgraded to the current schema
first, with its safety backup); the target is created at the current schema and must be
empty. Every table of both databases is copied in dependency order, each database in one
transaction on the target, both committed only after both copied and their row counts
matched the source's. Nothing is deleted from the source.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, MetaData

from explorer.errors import UserFacingError
from explorer.paths import CLINIC_DB, KNOWLEDGE_DB
from explorer.services.knowledge import open_stores
from explorer.store import migrate
from explorer.store.clinic_models import ClinicBase
from explorer.store.engine import sqlite_engine
from explorer.store.heads import Kind
from explorer.store.models import KnowledgeBase
from explorer.store.network_share import refuse_network_share
from explorer.store.server import ServerTarget, parse_server_url, server_engine
from explorer.store.sqlite_files import PRIVATE_DIR_MODE, make_private
from explorer.store.table_copy import CountMismatch, TargetNotEmpty, ValueRefused, copy_tables

METADATA: dict[Kind, MetaData] = {
    "knowledge": KnowledgeBase.metadata,
    "clinic": ClinicBase.metadata,
}


@dataclass(frozen=True)
class Location:
    """A data folder (``server`` None) or a PostgreSQL database."""

    folder: Path | None
    server: ServerTarget | None

    def describe(self) -> str:
        return self.server.describe() if self.server else f"the data folder {self.folder}"


def parse_location(text: str) -> Location:
    """``postgresql://…`` is a server; ``sqlite:///FOLDER`` or a plain path a data folder."""
    if text.startswith(("postgresql:", "postgresql+", "postgres:")):
        return Location(None, parse_server_url(text))
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    path = Path(text).expanduser().resolve()
    if path.suffix == ".sqlite":  # a database file named: its folder is the data folder
        path = path.parent
    return Location(path, None)


@dataclass(frozen=True)
class CopyReport:
    """Rows copied per table, per database."""

    source: str
    target: str
    rows: dict[Kind, dict[str, int]]

    def lines(self) -> list[str]:
        out = [f"copied {self.source} → {self.target}"]
        for kind, tables in self.rows.items():
            total = sum(tables.values())
            out.append(f"  {kind}: {total} rows in {len(tables)} tables, counts verified")
            out.extend(f"    {name}: {n}" for name, n in tables.items() if n)
        return out


def _target_engines(target: Location) -> dict[Kind, Engine]:
    engines: dict[Kind, Engine] = {}
    for kind in ("knowledge", "clinic"):
        if target.server is not None:
            engine = server_engine(target.server, kind)
        else:
            assert target.folder is not None
            refuse_network_share(target.folder)
            target.folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
            path = target.folder / (KNOWLEDGE_DB if kind == "knowledge" else CLINIC_DB)
            make_private(path)
            engine = sqlite_engine(path)
        engines[kind] = engine
        migrate.upgrade(engine, kind)
    return engines


def copy_database(source_text: str, target_text: str) -> CopyReport:
    """Copy both databases from ``source_text`` to the empty ``target_text``."""
    source, target = parse_location(source_text), parse_location(target_text)
    if source == target:
        raise UserFacingError("--from and --to name the same database; nothing was copied.")
    if source.folder is not None and not (
        (source.folder / CLINIC_DB).exists() or (source.folder / KNOWLEDGE_DB).exists()
    ):
        raise UserFacingError(f"{source.folder} holds no data folder of this application.")
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        stores = open_stores(
            source.folder or scratch,
            refresh_shipped=False,
            server=source.server,
        )
        stack.callback(stores.close)
        engines = _target_engines(target)
        for engine in engines.values():
            stack.callback(engine.dispose)
        sources: dict[Kind, Engine] = {"knowledge": stores.knowledge, "clinic": stores.clinic}
        rows: dict[Kind, dict[str, int]] = {}
        try:
            with ExitStack() as transactions:
                for kind in ("knowledge", "clinic"):
                    into = transactions.enter_context(engines[kind].begin())
                    with sources[kind].connect() as read:
                        rows[kind] = copy_tables(read, into, METADATA[kind])
        except TargetNotEmpty as exc:
            raise UserFacingError(
                f"{target.describe()} is not empty: {exc}. Nothing was copied; copy into a new "
                "database or folder."
            ) from exc
        except (CountMismatch, ValueRefused) as exc:
            raise UserFacingError(f"The copy was rolled back: {exc}.") from None
    return CopyReport(source.describe(), target.describe(), rows)
