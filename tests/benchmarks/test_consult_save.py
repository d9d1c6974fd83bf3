"""One consult save (the autosave 2 s after the last keystroke), on both engines.

A save is one write transaction: on SQLite ``BEGIN IMMEDIATE``; on a server the shared
advisory lock against a schema upgrade and the schema revision re-read (the guard that
stops a window once a newer version upgraded the database), then the versioned UPDATE and,
once per editing session, an audit row. The floor is the bare UPDATE of the same row
with the driver alone, committed (sqlite3 with synchronous=FULL in WAL; psycopg).
Loopback server with ``fsync=off``: a clinic's network adds a round trip per statement.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import replace

import psycopg
import pytest

from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
from explorer.store.backend.postgres import parse_server_url
from tests.benchmarks.conftest import percentile, table
from tests.engines import backend_for

pytestmark = pytest.mark.benchmark
SAVES = 200


def _app_saves(stores) -> list[float]:
    service = ConsultService(stores.clinic, clinician="bench")
    consult = service.start(condition="sciatica", treatments=["tens"])
    times = []
    for n in range(SAVES):
        start = time.perf_counter()
        consult = service.save(replace(consult, notes_html=f"<p>word {n}</p>"))
        times.append(time.perf_counter() - start)
    return times


def _bare_saves(execute, commit) -> list[float]:
    times = []
    for n in range(SAVES):
        start = time.perf_counter()
        execute(f"<p>word {n}</p>")
        commit()
        times.append(time.perf_counter() - start)
    return times


def test_consult_save_on_both_engines(data_dir, new_postgres_database) -> None:
    rows = []
    stores = open_stores(backend_for(data_dir))
    app = _app_saves(stores)
    stores.close()
    con = sqlite3.connect(data_dir / "clinic.sqlite", isolation_level=None)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("BEGIN")

    def sqlite_update(value: str) -> None:
        con.execute("UPDATE consult SET notes_html = ? WHERE id = 1", (value,))

    def sqlite_commit() -> None:
        con.execute("COMMIT")
        con.execute("BEGIN")

    bare = _bare_saves(sqlite_update, sqlite_commit)
    con.execute("COMMIT")
    con.close()
    rows.append(("SQLite", app, bare))

    server = parse_server_url(new_postgres_database)
    stores = open_stores(backend_for(data_dir / "unused", server))
    app = _app_saves(stores)
    stores.close()
    url = new_postgres_database.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as pg:
        pg.execute("SET search_path = clinic")
        bare = _bare_saves(
            lambda v: pg.execute("UPDATE consult SET notes_html = %s WHERE id = 1", (v,)),
            pg.commit,
        )
    rows.append(("PostgreSQL", app, bare))

    def ms(values: list[float], q: float) -> str:
        return f"{percentile(values, q) * 1000:.2f} ms"

    table(
        f"consult save, {SAVES} saves (cpu count {os.cpu_count()})",
        ["engine", "save p50", "save p95", "bare UPDATE p50", "ratio p50"],
        [
            (name, ms(a, 50), ms(a, 95), ms(b, 50), f"{percentile(a, 50) / percentile(b, 50):.1f}x")
            for name, a, b in rows
        ],
    )
    for _name, app_times, _bare in rows:
        assert percentile(app_times, 50) < 0.5  # a sanity bound, not a target
