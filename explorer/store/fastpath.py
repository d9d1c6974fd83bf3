"""Open a current SQLite data folder for reading with the standard library alone.

The window must show its data quickly; SQLAlchemy takes ~300 ms to import and pydantic
~150-400 ms, so neither is imported here. When the knowledge base exists, passes its check,
is in the expected layout and format, has its summaries derived by this version and is up to
date with the shipped content, the window reads through a plain ``sqlite3`` connection.
In every other case (first start, migration, rebuild, another database engine) it returns
None and the caller takes the full path. The clinic database is not looked at here: the
window opens it separately, so a problem with it never hides the reference content.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from explorer.domain.models import DERIVED_VERSION
from explorer.kb.files import content_fingerprint
from explorer.kb.version import FORMAT_VERSION
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
        current = _revision(connection) == HEADS["knowledge"]
        if current:
            header = connection.execute(
                "SELECT format_version, derived_version, content_origin, content_fingerprint "
                "FROM kb_document WHERE id = 1"
            ).fetchone()
            current = header is not None and header[:2] == (FORMAT_VERSION, DERIVED_VERSION)
        if current and header[2] == SHIPPED_ORIGIN:
            current = header[3] == content_fingerprint(content_dir)
    except sqlite3.Error as exc:
        log.info("fast path not taken: %s", exc)
        current = False
    if not current:
        connection.close()
        return None
    return connection
