"""Consults: saved on every call, found again after a restart, never silently overwritten,
and no acknowledged save lost when the process is killed."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from explorer.domain.consult import Decision
from explorer.services.consults import ConsultConflict, ConsultService
from explorer.services.knowledge import open_stores


@pytest.fixture
def consults(data_dir):
    stores = open_stores(data_dir)
    yield ConsultService(stores.clinic)
    stores.close()


def test_start_type_tick_restart_and_find_everything(data_dir) -> None:
    stores = open_stores(data_dir)
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

    stores = open_stores(data_dir)  # "restart"
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


CHILD = """
import sys
from dataclasses import replace
from pathlib import Path
from explorer.services.consults import ConsultService
from explorer.services.knowledge import open_stores
stores = open_stores(Path(sys.argv[1]))
service = ConsultService(stores.clinic)
consult = service.get(int(sys.argv[2]))
i = int(sys.argv[3])
while True:
    i += 1
    consult = service.save(replace(consult, notes_html=consult.notes_html + f" word{i}"))
    print(i, flush=True)  # acknowledged: save() returned, the commit is on disk
"""


@pytest.mark.slow
def test_killing_the_process_mid_typing_loses_no_acknowledged_save(data_dir, consults) -> None:
    consult = consults.start(condition="sciatica", treatments=["tens"])
    acknowledged = 0
    rng = random.Random(7)
    for _round in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data_dir), str(consult.id), str(acknowledged)],
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        first = child.stdout.readline()  # started and saving
        assert first.strip(), "the child did not save"
        acknowledged = int(first)
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=30)
        for line in rest.split():
            acknowledged = int(line)
        notes = consults.get(consult.id).notes_html
        assert f"word{acknowledged}" in notes.split()
    con = sqlite3.connect(Path(data_dir) / "clinic.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
