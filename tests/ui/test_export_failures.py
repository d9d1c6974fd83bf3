"""Exports from the window on a full disk: a message box that says what happened and what
to do, the existing file of the same name untouched, no temporary file left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from explorer.services.audit import AuditAction
from explorer.ui.clinic.audit_dialog import AuditDialog
from tests.ui.helpers import close_window, open_window

PREVIOUS = b"the previous version, kept\n"


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A folder with an existing file, a disk that refuses the flush, and the warnings."""
    import explorer.fileio as fileio

    folder = tmp_path / "exports"
    folder.mkdir()
    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: warned.append((title, text))
    )

    def refuse(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def choose(name: str) -> Path:
        target = folder / name
        target.write_bytes(PREVIOUS)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        return target

    monkeypatch.setattr(fileio.os, "fsync", refuse)
    return folder, choose, warned


def _check(folder: Path, target: Path, warned: list[tuple[str, str]]) -> None:
    assert len(warned) == 1
    title, text = warned.pop()
    assert title == "Export failed"
    assert str(target) in text and "No space left on device" in text
    assert "Nothing was changed" in text and "free some disk space" in text
    assert target.read_bytes() == PREVIOUS
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_pdf_chart_and_audit_exports_on_a_full_disk(
    qtbot, data_dir, settings_file, full_disk
) -> None:
    folder, choose, warned = full_disk
    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.add_to_comparison(["exercise-therapy", "tens"])
        target = choose("summary.pdf")
        assert window.reports.export_pdf("clinician") is None
        _check(folder, target, warned)

        window.tabs.setCurrentWidget(window.charts)
        for kind in ("png", "svg"):
            target = choose(f"outcomes.{kind}")
            assert window.charts.export(window.charts.outcomes, kind) is None
            _check(folder, target, warned)

        dialog = AuditDialog(window.audit, lambda: "Dr Test", window)
        qtbot.addWidget(dialog)
        target = choose("audit.csv")
        assert dialog.export_csv() is None
        _check(folder, target, warned)
        exported = [e for e in window.audit.events() if e.action == AuditAction.AUDIT_EXPORTED]
        assert exported == []  # a failed export is not recorded as an export
        assert sorted(p.name for p in folder.iterdir()) == [
            "audit.csv",
            "outcomes.png",
            "outcomes.svg",
            "summary.pdf",
        ]
    finally:
        close_window(window)


@pytest.mark.skipif(os.name != "posix", reason="named pipes and modes are POSIX")
def test_exports_to_a_pipe_or_a_write_protected_file_say_so(
    qtbot, data_dir, settings_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: warned.append((title, text))
    )

    def choose(name: str, kind: str) -> Path:
        target = folder / name
        if kind == "pipe":
            os.mkfifo(target)
        else:
            target.write_bytes(PREVIOUS)
            target.chmod(0o444)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        return target

    def check(target: Path, kind: str) -> None:
        assert len(warned) == 1, warned
        title, text = warned.pop()
        assert title == "Export failed"
        says = "is a named pipe, not a regular file" if kind == "pipe" else "is write-protected"
        assert str(target) in text and says in text
        if kind == "pipe":
            assert target.is_fifo()
        else:
            assert target.read_bytes() == PREVIOUS

    window = open_window(qtbot, data_dir, settings_file, unlocked=True)
    try:
        window.add_to_comparison(["exercise-therapy", "tens"])
        window.tabs.setCurrentWidget(window.charts)
        dialog = AuditDialog(window.audit, lambda: "Dr Test", window)
        qtbot.addWidget(dialog)
        for kind in ("pipe", "protected"):
            target = choose(f"summary-{kind}.pdf", kind)
            assert window.reports.export_pdf("clinician") is None
            check(target, kind)
            target = choose(f"outcomes-{kind}.png", kind)
            assert window.charts.export(window.charts.outcomes, "png") is None
            check(target, kind)
            target = choose(f"audit-{kind}.csv", kind)
            assert dialog.export_csv() is None
            check(target, kind)
        assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    finally:
        close_window(window)
