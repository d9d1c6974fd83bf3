"""``explorer db copy --from`` a data folder on a network share: the very set-up a clinic
moves off when it takes the server. The share is read once into a local snapshot and never
written to (no upgrade, no journal, no backup folder there); a target there is refused."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.errors import UserFacingError
from explorer.services.consults import ConsultService
from explorer.services.db_copy import copy_database
from explorer.services.stores import open_stores
from explorer.store import network_share
from tests.engines import backend_for


def _on_a_share(monkeypatch, folder: Path) -> None:
    """The system's mount table, with ``folder`` mounted from a Windows server (CIFS)."""
    monkeypatch.setattr(network_share, "_system_mounts", lambda: [(str(folder), "cifs")])


def _files(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def share(data_dir: Path) -> Path:
    stores = open_stores(backend_for(data_dir))
    try:
        service = ConsultService(stores.clinic, clinician="Dr Rivera")
        consult = service.start(condition="sciatica", treatments=["tens"], patient_label="J. S.")
        service.save(replace(consult, notes_html="<p>kept on the share for years</p>"))
    finally:
        stores.close()
    return data_dir


def test_a_source_on_a_share_is_copied_without_writing_there(
    share: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    before = _files(share)
    _on_a_share(monkeypatch, share)
    with pytest.raises(UserFacingError, match="network file system"):
        open_stores(backend_for(share))  # the window still refuses to use it

    target = tmp_path / "local-data"
    assert main(["db", "copy", "--from", str(share), "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert "through a local snapshot" in out and "were not changed" in out
    assert _files(share) == before  # not a byte written there, no new file

    stores = open_stores(backend_for(target))
    try:
        (copied,) = ConsultService(stores.clinic).search("")
        assert copied.notes_html == "<p>kept on the share for years</p>"
    finally:
        stores.close()


def test_a_source_on_a_share_goes_onto_the_server(
    share: Path, new_postgres_database: str, monkeypatch
) -> None:
    before = _files(share)
    _on_a_share(monkeypatch, share)
    report = copy_database(str(share), new_postgres_database)
    assert report.rows["clinic"]["consult"] == 1 and report.notes
    assert _files(share) == before


def test_a_damaged_source_on_a_share_is_refused_and_left_alone(
    share: Path, tmp_path: Path, monkeypatch
) -> None:
    clinic = share / "clinic.sqlite"
    data = bytearray(clinic.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a damaged page, as a share can leave it
    clinic.write_bytes(bytes(data))
    before = _files(share)
    _on_a_share(monkeypatch, share)
    with pytest.raises(UserFacingError) as refused:
        copy_database(str(share), str(tmp_path / "local-data"))
    assert "clinic.sqlite" in str(refused.value)
    assert _files(share) == before
    assert not (tmp_path / "local-data" / "clinic.sqlite").exists()


def test_a_target_on_a_share_is_refused(share: Path, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "on-the-nas"
    _on_a_share(monkeypatch, target)
    with pytest.raises(UserFacingError, match="network file system"):
        copy_database(str(share), str(target))
    assert not (target / "clinic.sqlite").exists()


def test_changes_still_in_the_write_ahead_log_on_the_share_are_copied(
    share: Path, tmp_path: Path, monkeypatch
) -> None:
    import sqlite3

    last_pc = sqlite3.connect(share / "clinic.sqlite")  # a PC that has not checkpointed
    try:
        last_pc.execute("PRAGMA wal_autocheckpoint=0")
        with last_pc:
            last_pc.execute("UPDATE consult SET notes_html = '<p>only in the WAL</p>'")
        assert (share / "clinic.sqlite-wal").stat().st_size > 0
        _on_a_share(monkeypatch, share)
        copy_database(str(share), str(tmp_path / "local-data"))
    finally:
        last_pc.close()
    stores = open_stores(backend_for(tmp_path / "local-data"))
    try:
        (copied,) = ConsultService(stores.clinic).search("")
        assert copied.notes_html == "<p>only in the WAL</p>"
    finally:
        stores.close()
