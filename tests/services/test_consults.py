"""Consults: saved on every call, found again after a restart, never silently overwritten,
and no acknowledged save lost when the process is killed."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from explorer.domain.consult import Decision
from explorer.services.consults import ConsultConflict, ConsultService
from explorer.services.stores import open_stores
from tests.engines import backend_of

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL


@pytest.fixture
def consults(data_dir):
    stores = open_stores(backend_of(data_dir))
    yield ConsultService(stores.clinic)
    stores.close()


def test_start_type_tick_restart_and_find_everything(data_dir) -> None:
    stores = open_stores(backend_of(data_dir))
    service = ConsultService(stores.clinic)
    consult = service.start(
        condition="sciatica",
        treatments=["exercise-therapy", "tens"],
        clinician="Dr Rivera",
        patient_label="J. S.",
        today=dt.date(2026, 11, 26),
    )
    assert consult.review_date == dt.date(2027, 1, 7)  # 6 weeks: the reassessment window
    saved = service.save(
        replace(
            consult,
            notes_html="<p>Prefers to avoid needles.</p>",
            priorities=("avoid-procedures", "quick-relief"),
            plan="Exercise programme",
            decision=Decision.CHOSEN,
            chosen_treatment="exercise-therapy",
        )
    )
    assert saved.version == consult.version + 1
    stores.close()

    stores = open_stores(backend_of(data_dir))  # "restart"
    try:
        again = ConsultService(stores.clinic).get(consult.id)
        assert again is not None
        assert again.notes_html == "<p>Prefers to avoid needles.</p>"
        assert again.priority_words == ("Avoid needles or procedures", "Quick relief")
        assert again.treatments == ("exercise-therapy", "tens")
        assert again.decision == Decision.CHOSEN and again.version == saved.version
    finally:
        stores.close()


def test_a_stale_copy_never_overwrites_a_newer_save(consults) -> None:
    consult = consults.start(condition=None, treatments=["tens"])
    first = consults.save(replace(consult, notes_html="written in room 1"))
    with pytest.raises(ConsultConflict, match="nothing was overwritten"):
        consults.save(replace(consult, notes_html="written in room 2 from an old copy"))
    assert consults.get(consult.id).notes_html == "written in room 1"
    assert consults.save(replace(first, notes_html="room 1 again")).version == 3


def test_search_by_label_condition_and_date(consults) -> None:
    a = consults.start(
        condition="sciatica", treatments=[], patient_label="Alpha", today=dt.date(2026, 11, 1)
    )
    b = consults.start(
        condition="spinal-stenosis",
        treatments=[],
        patient_label="Beta",
        today=dt.date(2026, 11, 20),
    )
    assert [c.id for c in consults.search("alp")] == [a.id]
    assert [c.id for c in consults.search("stenosis")] == [b.id]
    assert [c.id for c in consults.search("2026-11-01")] == [a.id]
    assert [c.id for c in consults.search()] == [b.id, a.id]  # newest first


def test_delete_with_undo_and_follow_up(consults) -> None:
    consult = consults.start(condition="sciatica", treatments=["tens"], patient_label="Gamma")
    consults.save(replace(consult, priorities=("cost-and-coverage",)))
    follow_up = consults.duplicate_as_follow_up(consult.id)
    assert follow_up.follow_up_of == consult.id and follow_up.priorities == ("cost-and-coverage",)
    assert follow_up.notes_html == ""
    consults.delete(consult.id)
    assert consult.id not in [c.id for c in consults.search()]
    assert consult.id in [c.id for c in consults.search(include_deleted=True)]
    consults.undo_delete(consult.id)
    assert consult.id in [c.id for c in consults.search()]


KILLS = 50


def _check_database(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.sqlite_only  # checks the file; tests/services/test_postgres_concurrency.py: server
def test_killing_the_process_mid_typing_loses_no_acknowledged_save(data_dir, consults) -> None:
    """50 SIGKILLs at random moments of a saving process (opening the data folder, in the
    middle of a save, between saves), and in every other round of a process making backups
    at the same time, killed too: after each, the database is sound, every save the process
    acknowledged (save() returned) is there, and every backup in the folder is a complete,
    sound copy. The workers come from a zygote (tests/services/workers.py)."""
    from explorer.services.backup import list_backups
    from tests.services.workers import Zygote

    consult = consults.start(condition="sciatica", treatments=["tens"])
    acknowledged = written = backups_acked = 0
    rng = random.Random(7)
    zygote = Zygote()
    started = time.monotonic()
    try:
        for round_ in range(KILLS):
            pid = zygote.start(
                "save-consult", data_dir, consult=consult.id, start=written, prefix="word"
            )
            backing_up = zygote.start("backup", data_dir) if round_ % 2 else None
            if rng.random() < 0.8:  # most kills land among the saves, some during the start
                zygote.first_ack(pid)
            time.sleep(rng.uniform(0.0, 0.05))
            victims = [pid] if backing_up is None else rng.sample([pid, backing_up], 2)
            for victim in victims:
                os.kill(victim, signal.SIGKILL)
                assert os.WIFSIGNALED(zygote.wait(victim)), zygote.errors
            acked = [int(word.removeprefix("word")) for word in zygote.acks.get(pid, [])]
            acknowledged = max([acknowledged, *acked])
            notes = consults.get(consult.id).notes_html.split()
            assert acknowledged == 0 or f"word{acknowledged}" in notes
            # nothing torn or repeated; a save that landed unacknowledged may be there too
            assert notes == [f"word{n}" for n in range(1, len(notes) + 1)]
            written = len(notes)
            _check_database(Path(data_dir) / "clinic.sqlite")
            if backing_up is not None:
                backups_acked += len(zygote.acks.get(backing_up, []))
            listed = list_backups(backend_of(Path(data_dir)).backup_dir)
            assert backups_acked == 0 or listed  # an acknowledged backup is never lost
            for backup in listed:  # a killed backup never leaves a half copy that counts
                _check_database(backup.path)
    finally:
        zygote.close()
    assert not zygote.errors
    assert acknowledged > KILLS  # the kills did land among the saves
    assert backups_acked > 0  # and some backups were made between kills
    print(
        f"{KILLS} kills of savers, {KILLS // 2} of backups, {acknowledged} saves, "
        f"{backups_acked} backups, {time.monotonic() - started:.1f} s"
    )


def test_a_consult_deleted_elsewhere_refuses_a_stale_save(consults) -> None:
    """Found in review: PC B saving a consult PC A had deleted wrote into the deleted one."""
    consult = consults.start(condition="sciatica", treatments=["tens"])
    consults.delete(consult.id)
    with pytest.raises(ConsultConflict):
        consults.save(replace(consult, notes_html="<p>typed on the other PC</p>"))
    copy = consults.save_as_copy(replace(consult, notes_html="<p>typed on the other PC</p>"))
    assert copy.id != consult.id and "other PC" in consults.get(copy.id).notes_html


def test_values_any_database_can_store(consults) -> None:
    """Found in review: PostgreSQL refuses NUL characters and names over 120 characters."""
    consult = consults.start(condition=None, treatments=[], clinician="Dr " + "x" * 300)
    saved = consults.save(replace(consult, notes_html="a\x00b", plan="p\x00", clinician="y" * 500))
    again = consults.get(saved.id)
    assert again.notes_html == "ab" and again.plan == "p"
    assert len(again.clinician) == 120


def test_typed_text_is_cleaned_when_started_and_saved(consults) -> None:
    """One cleaning for the window and the command line: no control or direction characters,
    a label on one line of at most 120 characters, notes and plan kept line by line."""
    evil = "\u202eJ.\x00 Smith\x1b\n" + "x" * 10_000
    consult = consults.start(
        condition="sciatica",
        treatments=["tens", "tens", "exercise-therapy"],
        clinician="Dr\u2066 Rivera\x07",
        patient_label=evil,
        priorities_note="walk\u202e the dog\x00",
    )
    assert consult.patient_label == ("J. Smith " + "x" * 200)[:120]
    assert consult.clinician == "Dr Rivera"
    assert consult.priorities_note == "walk the dog"
    assert consult.treatments == ("tens", "exercise-therapy")
    consults.save(
        replace(
            consult,
            patient_label="K.\u202d Jones",
            plan="Review\x00 in\u202e 6 weeks\r\nthen decide",
            notes_html="<p>seen\x00 today\u202e</p>",
        )
    )
    again = consults.get(consult.id)
    assert again.patient_label == "K. Jones"
    assert again.plan == "Review in 6 weeks\nthen decide"
    assert again.notes_html == "<p>seen today</p>"


def test_notes_over_the_limit_are_refused_not_cut(consults) -> None:
    from explorer.domain.text import TextKind
    from explorer.errors import UserFacingError

    consult = consults.start(condition="sciatica", treatments=["tens"], patient_label="A")
    with pytest.raises(UserFacingError, match="were not saved; they are still on screen"):
        consults.save(replace(consult, notes_html="n" * (TextKind.NOTES.limit + 1)))
    assert consults.get(consult.id).notes_html == ""
