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
