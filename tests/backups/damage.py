"""Ways a database file goes bad, for the start-up check tests."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

DAMAGE = ("random bytes", "truncated", "zeroed header", "not a database")
"""Damage done to the file itself; a locked file is :func:`held_exclusively`."""


def settle(path: Path) -> None:
    """Fold the WAL into the file and remove the side files (as after a clean exit)."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)


def damage(path: Path, how: str) -> None:
    settle(path)
    data = path.read_bytes()
    if how == "random bytes":
        path.write_bytes(random.Random(7).randbytes(len(data)))
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "zeroed header":
        path.write_bytes(bytes(100) + data[100:])
    elif how == "not a database":
        path.write_bytes(b"%PDF-1.4\n% a consult letter saved under the wrong name\n" * 40)
    else:
        raise ValueError(how)


@contextlib.contextmanager
def held_exclusively(path: Path) -> Iterator[None]:
    """Another connection holds an EXCLUSIVE transaction on ``path``.

    In WAL mode an exclusive transaction still lets readers in, so the other program also
    takes SQLite's exclusive locking mode (as a database tool that opened the file for
    writing would): then nobody else can read the file at all.
    """
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA locking_mode=EXCLUSIVE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("CREATE TABLE IF NOT EXISTS other_program (x)")
        yield
        con.execute("ROLLBACK")
    finally:
        con.close()


INDEX = "ix_consult_patient_label"
_INDEX_SQL = f"CREATE INDEX {INDEX} ON consult (patient_label)"


def _set_index_sql(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA writable_schema=ON")
        con.execute("UPDATE sqlite_master SET sql=? WHERE name=?", (sql, INDEX))
        con.commit()
    finally:
        con.close()


def damage_index(path: Path) -> None:
    """The consult label index holds other keys than its table's rows (as after a write lost
    in one b-tree but not the other): ``quick_check`` passes, ``integrity_check`` reports
    "row … missing from index", and ``REINDEX`` rebuilds it from the intact table."""
    settle(path)
    _set_index_sql(path, f"CREATE INDEX {INDEX} ON consult (clinician)")
    con = sqlite3.connect(path)
    con.execute(f"REINDEX {INDEX}")  # now filled from the wrong column
    con.commit()
    con.close()
    _set_index_sql(path, _INDEX_SQL)  # the schema says the right one again


def break_unique_index(path: Path) -> None:
    """The consult label index is declared UNIQUE while two consults share a label (the file
    must hold such consults): ``quick_check`` passes, ``integrity_check`` fails, and
    ``REINDEX`` cannot rebuild it — the damage is beyond the indexes."""
    settle(path)
    _set_index_sql(path, _INDEX_SQL.replace("CREATE INDEX", "CREATE UNIQUE INDEX"))
