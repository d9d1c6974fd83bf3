"""Two (or more) windows or processes on one data folder: no corruption, no lost save,
a stale copy refused; several first starts at once on a new folder all succeed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.services.consults import ConsultService
from explorer.services.knowledge import document_json, export_document_of
from explorer.services.stores import open_stores
from explorer.store.heads import HEADS
from tests.engines import backend_of


def _check_database(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


FIRST_START = """
import sys, time
from explorer.store.backend import backend_from_arguments
from pathlib import Path
start = float(sys.argv[2])
from explorer.errors import UserFacingError
from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
while time.time() < start:  # every process past its imports, then all at once
    pass
try:
    stores = open_stores(backend_from_arguments(sys.argv[1]))
    consult = ConsultService(stores.clinic).start(condition=None, treatments=["tens"])
    stores.close()
except UserFacingError as exc:
    print(f"refused: {exc}")
    sys.exit(3)
print(consult.id)
"""


@pytest.mark.slow
def test_several_processes_starting_at_once_on_a_new_data_folder(
    tmp_path: Path, shipped_document
) -> None:
    """Six processes create, migrate and fill one new data folder at the same moment: all
    succeed (before the fix, 3 of 4 failed with "in use"), and the result is one sound,
    current data folder holding every process's consult."""
    folder = tmp_path / "new"
    start = time.time() + 4  # after the ~1-s imports of six processes on two cores
    children = [
        subprocess.Popen(
            [sys.executable, "-c", FIRST_START, str(folder), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, out + err
    ids = sorted(int(out) for out, _err in results)
    assert ids == list(range(1, 7))
    for name, kind in (("clinic.sqlite", "clinic"), ("knowledge.sqlite", "knowledge")):
        _check_database(folder / name)
        con = sqlite3.connect(folder / name)
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEADS[kind],)]
        con.close()
    stores = open_stores(backend_of(folder))
    try:
        assert document_json(export_document_of(stores)) == document_json(shipped_document)
    finally:
        stores.close()


@pytest.mark.slow
def test_processes_saving_at_once_lose_nothing_and_corrupt_nothing(
    data_dir: Path, database: str
) -> None:
    """Four processes append to one consult at once (each save refused as stale is read
    again and retried), two start consults and two open one again and again (a read, then
    an audit row). Every acknowledged word is in the notes exactly once, in each process's
    order; nothing failed with "locked"; the database is sound. On SQLite and on PostgreSQL
    (there the processes are PCs sharing one server database)."""
    from tests.services.workers import Zygote

    stores = open_stores(backend_of(data_dir))
    service = ConsultService(stores.clinic)
    shared = service.start(condition="sciatica", treatments=["tens"])
    stores.close()
    zygote = Zygote()
    try:
        pids = [
            zygote.start("save-consult", data_dir, consult=shared.id, prefix=p, count=25)
            for p in "abcd"
        ]
        pids += [zygote.start("start-consults", data_dir, count=20) for _ in range(2)]
        pids += [
            zygote.start("open-consult", data_dir, consult=shared.id, count=30) for _ in range(2)
        ]
        statuses = [zygote.wait(pid) for pid in pids]
    finally:
        zygote.close()
    assert zygote.errors == []
    assert all(status == 0 for status in statuses)
    stores = open_stores(backend_of(data_dir))
    try:
        service = ConsultService(stores.clinic)
        words = service.get(shared.id).notes_html.split()
        for pid, prefix in zip(pids[:4], "abcd", strict=True):
            acked = zygote.acks[pid]
            assert len(acked) == 25
            mine = [w for w in words if w.startswith(prefix)]
            assert mine == acked  # all there, once each, in order
        assert len(service.search(limit=1000)) == 1 + 40
    finally:
        stores.close()
    if database == "sqlite":
        _check_database(data_dir / "clinic.sqlite")
