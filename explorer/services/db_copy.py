"""``explorer db copy``: move a single-PC clinic onto the shared server, or back.

A location is a data folder (SQLite; ``sqlite:///FOLDER`` is accepted too) or a PostgreSQL
URL. A source folder on a network share (the very set-up the server replaces) is read once
into a local snapshot and never written to; a target folder there is refused.

The source is opened the usual way (a SQLite folder is upgraded to the current schema
first, with its safety backup); the target is created at the current schema and must be
empty. Every table of both databases is copied in dependency order, each database in one
transaction on the target, both committed only after both copied and their row counts
matched the source's. Nothing is deleted from the source.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData

from explorer.errors import UserFacingError
from explorer.paths import CLINIC_DB, KNOWLEDGE_DB
from explorer.services.stores import open_stores
from explorer.store import kb_tables
from explorer.store.backend import (
    Backend,
    advisory_lock,
    backend_for,
    migrate,
    parse_server_url,
    snapshot_reader,
)
from explorer.store.backend.table_copy import (
    CountMismatch,
    TargetNotEmpty,
    ValueRefused,
    copy_tables,
)
from explorer.store.clinic_models import ClinicBase
from explorer.store.heads import Kind
from explorer.store.network_share import network_share_kind, refuse_network_share
from explorer.store.scratch import private_scratch
from explorer.store.sqlite_files import (
    PRIVATE_DIR_MODE,
    PRIVATE_FILE_MODE,
    check_sqlite_file,
    make_private,
)

if TYPE_CHECKING:
    from explorer.store.backend import ServerTarget

METADATA: dict[Kind, MetaData] = {
    "knowledge": kb_tables.metadata,
    "clinic": ClinicBase.metadata,
}


@dataclass(frozen=True)
class Location:
    """A data folder (``server`` None) or a PostgreSQL database."""

    folder: Path | None
    server: ServerTarget | None

    def describe(self) -> str:
        return self.server.describe() if self.server else f"the data folder {self.folder}"

    def backend(self, scratch: Path) -> Backend:
        """The backend of this location (a server's logs go to ``scratch``)."""
        return backend_for(self.folder or scratch, self.server)


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
    notes: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        out = [f"copied {self.source} → {self.target}", *self.notes]
        for kind, tables in self.rows.items():
            total = sum(tables.values())
            out.append(f"  {kind}: {total} rows in {len(tables)} tables, counts verified")
            out.extend(f"    {name}: {n}" for name, n in tables.items() if n)
        return out


def _target_engines(target: Location, scratch: Path) -> dict[Kind, Engine]:
    engines: dict[Kind, Engine] = {}
    backend = target.backend(scratch)
    for kind in ("knowledge", "clinic"):
        path = backend.file(kind)
        if path is not None:
            refuse_network_share(backend.data_dir)
            backend.data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
            make_private(path)
        engine = backend.engine(kind)
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
    notes: tuple[str, ...] = ()
    with ExitStack() as stack:
        scratch = stack.enter_context(private_scratch())
        folder = source.folder
        if folder is not None and (share := network_share_kind(folder)) is not None:
            folder = _local_snapshot(folder, scratch / "from-share")
            notes = (
                f"  read from {share} through a local snapshot; the files there were not "
                "changed (delete or archive them once the copy is in use)",
            )
        stores = open_stores(backend_for(folder or scratch, source.server), refresh_shipped=False)
        stack.callback(stores.close)
        engines = _target_engines(target, scratch)
        for engine in engines.values():
            stack.callback(engine.dispose)
        sources: dict[Kind, Engine] = {"knowledge": stores.knowledge, "clinic": stores.clinic}
        rows: dict[Kind, dict[str, int]] = {}
        cleaned: list[str] = []
        try:
            with ExitStack() as transactions:
                for kind in ("knowledge", "clinic"):
                    into = transactions.enter_context(engines[kind].begin())
                    if kind == "knowledge":  # no PC's start may fill it meanwhile
                        advisory_lock(into, "replace knowledge base")
                    with snapshot_reader(sources[kind]).connect() as read:
                        rows[kind] = copy_tables(read, into, METADATA[kind], cleaned)
                _audit_copy(into, source, target)  # in the copy's clinic log, same commit
        except TargetNotEmpty as exc:
            raise UserFacingError(
                f"{target.describe()} is not empty: {exc}. Nothing was copied; copy into a new "
                "database or folder."
            ) from exc
        except (CountMismatch, ValueRefused) as exc:
            raise UserFacingError(f"The copy was rolled back: {exc}.") from None
    if cleaned:
        where = "; ".join(cleaned[:10]) + (" …" if len(cleaned) > 10 else "")
        notes += (
            f"  {len(cleaned)} text value(s) held NUL characters, which PostgreSQL cannot "
            f"store; they were removed ({where})",
        )
    return CopyReport(source.describe(), target.describe(), rows, notes)


def _audit_copy(clinic: Connection, source: Location, target: Location) -> None:
    """Every consult left for another database: say so in the copy's audit log."""
    import getpass

    from sqlalchemy import insert

    from explorer.services.audit import AuditAction, audit_row
    from explorer.store.clinic_models import AuditEventRow

    try:
        who = f"OS user {getpass.getuser()}"
    except (OSError, KeyError):
        who = "explorer db copy"
    row = audit_row(AuditAction.DATABASE_COPIED, who, detail=f"from {source.describe()}")
    values = {c.key: getattr(row, c.key) for c in AuditEventRow.__table__.columns if c.key != "id"}
    clinic.execute(insert(AuditEventRow).values(**values))


def _local_snapshot(share: Path, local: Path) -> Path:
    """Copy the data folder's databases from a network share to ``local`` byte for byte,
    each with its ``-wal`` (or hot ``-journal``), which SQLite then replays on this PC's
    disk. Only reads there: even opening a WAL database read-only would create files on
    the share, where SQLite's locks do not hold. A file that changes during the copy (a PC
    still using it) is refused; the copy is checked before anything reads it."""
    local.mkdir(mode=PRIVATE_DIR_MODE)
    for name in (CLINIC_DB, KNOWLEDGE_DB):
        files = [share / (name + side) for side in ("", "-wal", "-journal")]
        files = [f for f in files if f.is_file()]
        if not files or files[0].name != name:
            continue
        try:
            before = [_signature(f) for f in files]
            for f in files:
                shutil.copyfile(f, local / f.name)
                os.chmod(local / f.name, PRIVATE_FILE_MODE)
            changed = before != [_signature(f) for f in files]
        except OSError as exc:
            raise UserFacingError(
                f"Could not read {share / name} from the network share ({exc.strerror}); "
                "nothing was copied."
            ) from exc
        if changed:
            raise UserFacingError(
                f"{share / name} changed while it was being copied: a PC is still using it. "
                "Close the application on every PC using that folder, then copy again; "
                "nothing was copied."
            )
        check_sqlite_file(local / name)
    return local


def _signature(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns
