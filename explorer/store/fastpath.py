"""Open a current SQLite data folder for reading with the standard library alone.

The window must show its data quickly; SQLAlchemy takes ~300 ms to import. When the
knowledge base exists, passes its check, is at the expected schema revision and is up to
date with the shipped content, the window reads through a plain ``sqlite3`` connection.
In every other case (first start, migration, rebuild, another database engine) it returns
None and the caller takes the full path. The clinic database is not looked at here: the
window opens it separately, so a problem with it never hides the reference content.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from explorer.kb.files import content_fingerprint
from explorer.paths import KNOWLEDGE_DB
from explorer.store.heads import HEADS
from explorer.store.sqlite_files import check_sqlite_file

log = logging.getLogger(__name__)
SHIPPED_ORIGIN = "shipped"


def _revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def open_current_knowledge(data_dir: Path, content_dir: Path) -> sqlite3.Connection | None:
    """A read-only connection to the knowledge base, or None when the full path is needed.

    Raises :class:`~explorer.store.sqlite_files.DatabaseProblem` for a damaged or locked
    file, exactly as the full path would.
    """
    knowledge = data_dir / KNOWLEDGE_DB
    if not knowledge.exists():
        return None
    check_sqlite_file(knowledge)
    try:
        connection = sqlite3.connect(
            f"file:{knowledge.as_posix()}?mode=ro", uri=True, check_same_thread=False
        )
    except sqlite3.Error as exc:
        log.info("fast path not taken: %s", exc)
        return None
    try:
        meta = connection.execute(
            "SELECT content_origin, content_fingerprint FROM kb_meta WHERE id = 1"
        ).fetchone()
        current = _revision(connection) == HEADS["knowledge"] and meta is not None
        if current and meta[0] == SHIPPED_ORIGIN:
            current = meta[1] == content_fingerprint(content_dir)
    except sqlite3.Error as exc:
        log.info("fast path not taken: %s", exc)
        current = False
    if not current:
        connection.close()
        return None
    return connection
