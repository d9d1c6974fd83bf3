"""Raw SQL on whichever database ``open_stores(backend_of(data_dir))`` opens: the data folder's
SQLite files, or the PostgreSQL database in ``$EXPLORER_DATABASE_URL`` (the ``database``
fixture of tests/conftest.py sets it). For setting up a state the application cannot make
(a damaged row, an older version's content) and for reading what it stored."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from explorer.paths import CLINIC_DB, KNOWLEDGE_DB
from explorer.store.backend import Backend, backend_for, backend_from_arguments
from explorer.store.heads import Kind

__all__ = ["backend_for", "backend_of", "connected", "engine_of", "execute", "rows"]


def engine_of(data_dir: Path, kind: Kind) -> Engine:
    """An engine on the ``kind`` database that ``open_stores(backend_of(data_dir))`` would open."""
    from explorer.store.backend.postgres import parse_server_url, server_engine
    from explorer.store.backend.sqlite import sqlite_engine

    url = os.environ.get("EXPLORER_DATABASE_URL", "").strip()
    if url:
        return server_engine(parse_server_url(url), kind)
    return sqlite_engine(Path(data_dir) / (KNOWLEDGE_DB if kind == "knowledge" else CLINIC_DB))


@contextmanager
def connected(data_dir: Path, kind: Kind) -> Iterator[Any]:
    """A connection in a transaction (committed at the end) on the ``kind`` database."""
    engine = engine_of(data_dir, kind)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def execute(data_dir: Path, kind: Kind, sql: str, params: Mapping[str, Any] | None = None) -> None:
    with connected(data_dir, kind) as connection:
        connection.execute(text(sql), dict(params or {}))


def rows(data_dir: Path, kind: Kind, sql: str, params: Mapping[str, Any] | None = None) -> list:
    with connected(data_dir, kind) as connection:
        return [tuple(r) for r in connection.execute(text(sql), dict(params or {}))]


def backend_of(data_dir: Path | str) -> Backend:
    """The backend that ``explorer --data-dir data_dir`` builds at start-up: the engine as
    the test's environment says (the ``database`` fixture sets ``$EXPLORER_DATABASE_URL``)."""
    return backend_from_arguments(str(data_dir))
