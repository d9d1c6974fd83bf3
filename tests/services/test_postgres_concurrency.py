"""Several PCs on one PostgreSQL database: different consults never wait for each other;
the same consult saved from two processes at once loses no edit and surfaces the conflict."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from explorer.services.consults import ConsultConflict, ConsultService
from explorer.services.stores import open_stores
from tests.engines import backend_of


@pytest.fixture
def server_stores(data_dir: Path, database: str):
    assert database == "postgres"
    stores = open_stores(backend_of(data_dir))
    yield stores
    stores.close()


pytestmark = pytest.mark.postgres_only


def test_clinicians_editing_different_consults_never_block_each_other(server_stores) -> None:
    service = ConsultService(server_stores.clinic)
    a = service.start(condition="sciatica", treatments=["tens"], patient_label="A")
    b = service.start(condition="sciatica", treatments=["tens"], patient_label="B")
    # Another PC is in the middle of saving consult A (its row locked, not yet committed).
    with server_stores.clinic.connect() as other:
        other.execute(text("UPDATE consult SET plan = 'other PC' WHERE id = :id"), {"id": a.id})
        began = time.monotonic()
        saved = service.save(replace(b, notes_html="<p>B's notes</p>"))
        assert time.monotonic() - began < 1.0  # no wait for A's writer
        other.rollback()
    assert saved.version == b.version + 1


def test_the_same_consult_saved_on_two_pcs_shows_a_conflict_and_keeps_both_texts(
    server_stores, data_dir: Path
) -> None:
    first_pc = ConsultService(server_stores.clinic, clinician="Dr A")
    consult = first_pc.start(condition="sciatica", treatments=["tens"])
    second = open_stores(backend_of(data_dir))  # a second PC: its own engine and connections
    try:
        second_pc = ConsultService(second.clinic, clinician="Dr B")
        on_b_screen = second_pc.open(consult.id)
        first_pc.save(replace(consult, notes_html="<p>typed on PC A</p>"))
        mine = replace(on_b_screen, notes_html="<p>typed on PC B</p>")
        with pytest.raises(ConsultConflict, match="changed elsewhere"):
            second_pc.save(mine)
        assert mine.notes_html == "<p>typed on PC B</p>"  # still on B's screen, to merge
        stored = second_pc.get(consult.id)
        assert stored is not None and stored.notes_html == "<p>typed on PC A</p>"
    finally:
        second.close()


@pytest.mark.slow
def test_two_processes_saving_one_consult_lose_no_update_and_surface_conflicts(
    server_stores, data_dir: Path
) -> None:
    """Two processes (two PCs) append 40 words each to one consult as fast as they can;
    a save refused as stale is reported, read again and retried. Every acknowledged word
    is in the notes exactly once, in order, and conflicts did happen and were reported."""
    from tests.services.workers import Zygote

    shared = ConsultService(server_stores.clinic).start(condition="sciatica", treatments=["tens"])
    zygote = Zygote()
    go_at = time.time() + 3  # both open the database first, then start saving together
    try:
        pids = [
            zygote.start(
                "save-consult",
                data_dir,
                consult=shared.id,
                prefix=p,
                count=40,
                report_conflicts=True,
                go_at=go_at,
            )
            for p in "xy"
        ]
        statuses = [zygote.wait(pid) for pid in pids]
    finally:
        zygote.close()
    assert zygote.errors == [] and statuses == [0, 0]
    words = ConsultService(server_stores.clinic).get(shared.id).notes_html.split()
    conflicts = 0
    for pid, prefix in zip(pids, "xy", strict=True):
        saved = [a for a in zygote.acks[pid] if not a.startswith("conflict:")]
        conflicts += len(zygote.acks[pid]) - len(saved)
        assert saved == [f"{prefix}{n}" for n in range(1, 41)]
        assert [w for w in words if w.startswith(prefix)] == saved
    assert len(words) == 80
    print(f"[postgres] {conflicts} conflicts surfaced and retried in 80 concurrent saves")
    assert conflicts > 0  # the two really overlapped: stale saves were refused, not merged
