"""A full disk or an unwritable folder while exporting: one clear line and exit code 3
headless, a message box in the window; the existing file of the same name untouched and no
temporary file left behind.

Root ignores file permissions, so the disk is "filled" in ways that work for root too: a
child process whose file-size limit (RLIMIT_FSIZE) is smaller than what it writes (the
kernel refuses the write with EFBIG, as a full disk refuses it with ENOSPC), or a fault
injected into the flush to disk.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes
from tests.engines import backend_of

resource = pytest.importorskip("resource")  # POSIX only

PREVIOUS = b"the previous version, kept\n"
TREATMENTS = "exercise-therapy,epidural-steroid-injection,watchful-waiting"


def _small_disk() -> None:  # runs in the child before exec
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write, not a killed process
    # Above SQLite's 32-KB shared-memory file, below every export (PDF ~150 KB).
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def _explorer_on_a_small_disk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "explorer", "--data-dir", str(data_dir), *args],
        preexec_fn=_small_disk,  # only setrlimit and signal: safe after fork
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("what", "args"),
    [
        ("PDF", ["export", "--condition", "sciatica", "--treatments", TREATMENTS, "--out"]),
        ("audit CSV", ["audit", "--out"]),
        ("knowledge-base JSON", ["kb", "export", "--format", "json"]),
    ],
)
def test_a_full_disk_exits_3_with_one_line_and_keeps_the_old_file(
    data_dir: Path, tmp_path: Path, what: str, args: list[str]
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "existing.out"
    out.write_bytes(PREVIOUS)
    if what == "audit CSV":  # enough rows to pass the limit
        from sqlalchemy.orm import Session

        from explorer.services.audit import AuditAction, audit_row
        from explorer.services.stores import open_stores

        stores = open_stores(backend_of(data_dir))
        with Session(stores.clinic) as session, session.begin():
            for _ in range(1000):
                session.add(audit_row(AuditAction.CLINICIAN_LOCKED, "Dr Test", None, "x" * 40))
        stores.close()
    result = _explorer_on_a_small_disk(data_dir, *args, str(out))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 3, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(out) in lines[0] and "File too large" in lines[0]
    assert "Nothing was changed" in lines[0] and "free some disk space" in lines[0]
    assert out.read_bytes() == PREVIOUS
    assert [p.name for p in out_dir.iterdir()] == ["existing.out"]


def _refuse_flush(monkeypatch: pytest.MonkeyPatch) -> None:
    import explorer.fileio as fileio

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fileio.os, "fsync", full)


def test_atomic_write_on_a_full_disk_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(PREVIOUS)
    _refuse_flush(monkeypatch)
    with pytest.raises(UserFacingError, match="No space left on device") as caught:
        atomic_write_bytes(target, b"%PDF new")
    assert "Nothing was changed" in str(caught.value)
    assert target.read_bytes() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_atomic_write_interrupted_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import explorer.fileio as fileio

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "x.csv", b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_a_file_is_refused_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    with pytest.raises(UserFacingError, match="Cannot write to the folder"):
        atomic_write_bytes(tmp_path / "not-a-folder" / "x.pdf", b"x")


NOTES: dict[str, bytes | None] = {
    "binary": bytes(range(256)),
    "UTF-16": "Prefers exercise.\n".encode("utf-16"),
    "Latin-1": "Préfère l'exercice.\n".encode("latin-1"),
    "control character": b"Prefers exercise.\n\x1b[2J cleared\n",
    "over 1 MB": None,  # a sparse file of 2 MB
    "pipe": None,
}


@pytest.mark.parametrize("case", list(NOTES), ids=list(NOTES))
def test_a_hostile_notes_file_is_refused_in_one_line(
    data_dir: Path, tmp_path: Path, capsys, case: str
) -> None:
    notes = tmp_path / "notes.txt"
    if case == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(notes)
    elif case == "over 1 MB":
        with notes.open("wb") as out:
            out.truncate(2 * 1024 * 1024)
    else:
        notes.write_bytes(NOTES[case] or b"")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code = main(
        [
            "export",
            "--condition",
            "sciatica",
            "--treatments",
            "tens",
            "--notes-file",
            str(notes),
            "--out",
            str(out_dir / "x.pdf"),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3
    assert len(err) == 1 and str(notes) in err[0], err
    assert list(out_dir.iterdir()) == []


def test_a_utf8_notes_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    from explorer.fileio import read_text_file

    notes = tmp_path / "notes.txt"
    notes.write_bytes("\ufeffPrefers exercise.\tAgreed.\r\n".encode())
    assert read_text_file(notes, what="notes file") == "Prefers exercise.\tAgreed.\r\n"
