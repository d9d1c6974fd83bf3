"""The window when a database cannot be opened, and File → Back up now / Restore from backup.

A damaged, truncated, foreign or locked clinic.sqlite: the window says what is wrong and
where, offers the newest good backup, and restoring brings the consults back while the bad
file is kept aside. A damaged knowledge.sqlite is rebuilt on request."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from explorer.services import backup
from explorer.services.backup import list_backups, make_backup
from tests.backups.conftest import add_consults, audit_actions, consult_rows
from tests.backups.damage import DAMAGE, damage, held_exclusively
from tests.conftest import TEST_PIN
from tests.engines import backend_of
from tests.ui.helpers import close_window, open_window, unlock


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kept(data_dir: Path, pattern: str) -> list[Path]:
    return sorted(p for p in data_dir.glob(pattern) if not p.name.endswith(("-wal", "-shm")))


def _two_backups(data_dir: Path):
    make_backup(backend_of(data_dir), "daily", clock=lambda: dt.datetime(2026, 11, 24, 8, 30))
    return make_backup(
        backend_of(data_dir), "daily", clock=lambda: dt.datetime(2026, 11, 25, 8, 30)
    )


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_clinic_file_offers_the_newest_backup_and_restoring_brings_consults_back(
    qtbot, data_dir, settings_file, how: str
) -> None:
    add_consults(data_dir)
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    newest = _two_backups(data_dir)
    damage(clinic, how)
    bad = _digest(clinic)
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert not window.open_clinic()
        dialog = window.backups.restore_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.heading.text() == "The clinic database cannot be used"
        assert str(clinic) in dialog.problem.text()
        assert newest.describe() in dialog.text.text()
        assert dialog.selected_path() == newest.path
        assert dialog.restore_button.isDefault() and dialog.restore_button.isEnabled()
        assert "clinic.sqlite.damaged-" in dialog.note.text()
        assert _digest(clinic) == bad  # nothing touched until the clinician chooses

        dialog.restore_button.click()
        # the PIN first (the backup's: the damaged file's cannot be read), as from the menu
        assert window.current_dialog.isVisible()
        assert _digest(clinic) == bad
        window.current_dialog.form.pin.setText(TEST_PIN)
        assert window.current_dialog.form.try_submit()
        assert consult_rows(clinic) == before
        (kept,) = _kept(data_dir, "clinic.sqlite.damaged-*")
        assert _digest(kept) == bad
        assert "2 consults" in window.current_dialog.text()
        assert not window.unlocked  # the restored file's PIN applies
        unlock(window, TEST_PIN)
        assert window.consult.history.count() == 2
        assert "restored from backup" in audit_actions(clinic)
    finally:
        close_window(window)


def test_locked_clinic_file_offers_try_again_first(qtbot, data_dir, settings_file) -> None:
    clinic = data_dir / "clinic.sqlite"
    _two_backups(data_dir)
    window = open_window(qtbot, data_dir, settings_file)
    try:
        window.wait_for_backup()
        newest = list_backups(data_dir / "backups")[0]  # today's daily backup, just made
        window.clinic.close_database()  # as if the window had started while the file was locked
        with held_exclusively(clinic):
            assert not window.open_clinic()
            dialog = window.backups.restore_dialog
            assert dialog.heading.text() == "The clinic database is in use by another program"
            assert "locked by another program" in dialog.problem.text()
            assert str(clinic) in dialog.problem.text()
            assert dialog.retry_button.isVisible() and dialog.retry_button.isDefault()
            assert dialog.selected_path() == newest.path  # offered, not the default
        dialog.retry_button.click()  # the other program has closed it
        assert window.access is not None
        assert window.consult_lock.form is not None
        assert not _kept(data_dir, "clinic.sqlite.*")  # nothing replaced
    finally:
        close_window(window)


def test_damaged_knowledge_base_is_rebuilt_on_request(qtbot, data_dir, settings_file) -> None:
    from PySide6.QtCore import QSettings

    from explorer.ui.window.app import create_window
    from explorer.ui.window.settings import UiSettings

    knowledge = data_dir / "knowledge.sqlite"
    damage(knowledge, "zeroed header")
    bad = _digest(knowledge)
    window, loader = create_window(
        backend_of(data_dir), UiSettings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    )
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(loader.sig_damaged, timeout=20_000):
        loader.start()
    qtbot.waitUntil(lambda: window.current_dialog is not None and window.current_dialog.isVisible())
    assert str(knowledge) in window.current_dialog.text()
    with qtbot.waitSignal(window.sig_ready, timeout=30_000):
        window.backups.rebuild_button.click()
    assert window.catalog.model.rowCount() >= 14
    (kept,) = _kept(data_dir, "knowledge.sqlite.damaged-*")
    assert _digest(kept) == bad
    close_window(window)


def test_the_window_backs_up_once_a_day_and_on_request(qtbot, data_dir, settings_file) -> None:
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert window.open_clinic()
        window.wait_for_backup()
        qtbot.waitUntil(lambda: len(list_backups(data_dir / "backups")) == 1)
        (daily,) = list_backups(data_dir / "backups")
        assert daily.reason == "daily"
        window.backup_action.trigger()
        window.wait_for_backup()
        qtbot.waitUntil(lambda: "backed up" in window.backups.last_backup_message)
        # the newest backup of a day is the one the rotation keeps for that day
        assert [b.reason for b in list_backups(data_dir / "backups")] == ["manual"]
        window.operations.wait()  # the audit write is queued behind the backup
        assert audit_actions(data_dir / "clinic.sqlite")[-1] == "backup made"
    finally:
        close_window(window)


def test_a_failed_backup_says_why_and_keeps_everything(
    qtbot, data_dir, settings_file, monkeypatch
) -> None:
    blocker = data_dir.parent / "backups-here"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv(backup.BACKUP_DIR_ENV, str(blocker))
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert window.open_clinic()
        window.wait_for_backup()
        qtbot.waitUntil(lambda: "No backup was made" in window.backups.last_backup_message)
        assert str(blocker) in window.current_dialog.text()
        assert blocker.read_text() == "a file, not a folder"
    finally:
        close_window(window)


def test_restore_from_the_menu_asks_for_the_pin_first(qtbot, data_dir, settings_file) -> None:
    add_consults(data_dir)
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    newest = _two_backups(data_dir)
    add_consults(data_dir)  # two more after the backup
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert window.open_clinic()
        window.wait_for_backup()  # today's daily backup is listed too
        window.restore_action.trigger()
        assert window.backups.restore_dialog is None  # not before the PIN
        assert window.pin_dialog.isVisible()
        window.pin_dialog.form.pin.setText(TEST_PIN)
        assert window.pin_dialog.form.try_submit()
        dialog = window.backups.restore_dialog
        assert dialog.heading.text() == "Restore clinic data from a backup"
        assert not dialog.problem.isVisible()
        assert "clinic.sqlite.replaced-" in dialog.note.text()
        assert dialog.selected_path() == list_backups(data_dir / "backups")[0].path  # today's
        paths = [dialog.list.item(i).data(256) for i in range(dialog.list.count())]
        dialog.list.setCurrentRow(paths.index(newest.path))  # yesterday's: before the 2 new ones
        dialog.restore_button.click()
        assert consult_rows(clinic) == before
        assert len(consult_rows(_kept(data_dir, "clinic.sqlite.replaced-*")[0])) == 4
        assert not window.unlocked  # the restore locked clinician mode
    finally:
        close_window(window)


def test_a_refused_restore_leaves_the_consults_as_they_were(
    qtbot, data_dir, settings_file, tmp_path
) -> None:
    """Found in review: a refused restore closed the clinic database and never reopened it."""
    add_consults(data_dir)
    foreign = tmp_path / "not-a-clinic.sqlite"
    import sqlite3

    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        assert window.consult.history.count() == 2
        assert not window.backups.restore_file(foreign)
        assert window.access is not None and window.consult.service is not None
        unlock(window)
        assert window.consult.history.count() == 2
    finally:
        close_window(window)


def test_a_window_left_open_overnight_still_makes_the_daily_backup(
    qtbot, data_dir, settings_file
) -> None:

    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert window.open_clinic()
        window.wait_for_backup()
        first = list_backups(backend_of(data_dir).backup_dir)
        assert len(first) == 1 and first[0].reason == "daily"
        assert window.backups.daily_timer.isActive()  # checks again every hour
        window.backups.back_up_if_due()
        window.wait_for_backup()
        assert list_backups(backend_of(data_dir).backup_dir) == first  # done for today: nothing new
        first[0].path.unlink()  # as if the day had changed since
        window.backups.daily_timer.timeout.emit()
        window.wait_for_backup()
        assert [b.reason for b in list_backups(backend_of(data_dir).backup_dir)] == ["daily"]
    finally:
        close_window(window)


def test_an_emptied_clinic_file_beside_backups_offers_the_backup_not_a_new_pin(
    qtbot, data_dir, settings_file
) -> None:
    """Issue 18: an empty WAL-mode clinic.sqlite (copied without its -wal) was taken for a
    first start: the window asked for a new PIN and showed no consults."""
    import sqlite3

    add_consults(data_dir)
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    newest = _two_backups(data_dir)
    for side in ("", "-wal", "-shm"):
        (data_dir / f"clinic.sqlite{side}").unlink(missing_ok=True)
    con = sqlite3.connect(clinic)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert not window.open_clinic()
        assert window.access is None  # no first-start PIN is asked for
        dialog = window.backups.restore_dialog
        assert dialog is not None and dialog.isVisible()
        assert str(clinic) in dialog.problem.text() and "gone missing" in dialog.problem.text()
        assert dialog.selected_path() == newest.path
        dialog.restore_button.click()
        assert window.current_dialog.isVisible()  # the PIN first, whatever the cause
        window.current_dialog.form.pin.setText(TEST_PIN)
        assert window.current_dialog.form.try_submit()
        assert consult_rows(clinic) == before
        assert "2 consults" in window.current_dialog.text()
    finally:
        close_window(window)


def test_the_restore_dialog_offers_and_restores_what_the_restore_accepts(
    qtbot, data_dir, settings_file
) -> None:
    """Issue 18: a backup with a damaged index was selected as the newest good one, and its
    restore was refused. Now one check decides both: index damage is rebuilt on restore;
    damage beyond the indexes is shown as unusable."""
    from tests.backups.damage import break_unique_index, damage_index

    add_consults(data_dir)
    add_consults(data_dir)  # labels shared by two consults each
    clinic = data_dir / "clinic.sqlite"
    before = consult_rows(clinic)
    newest = _two_backups(data_dir)
    older = list_backups(data_dir / "backups")[1]
    break_unique_index(newest.path)
    damage_index(older.path)
    damage(clinic, "truncated")
    window = open_window(qtbot, data_dir, settings_file)
    try:
        assert not window.open_clinic()
        dialog = window.backups.restore_dialog
        assert "damaged, cannot be used" in dialog.list.item(0).text()  # newest
        assert dialog.selected_path() == older.path
        dialog.restore_button.click()
        assert window.current_dialog.isVisible()  # the PIN first, whatever the cause
        window.current_dialog.form.pin.setText(TEST_PIN)
        assert window.current_dialog.form.try_submit()
        assert consult_rows(clinic) == before
        assert "4 consults" in window.current_dialog.text()
        assert "indexes were rebuilt" in window.current_dialog.text()
    finally:
        close_window(window)
