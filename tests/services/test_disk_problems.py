"""A full disk, a read-only or forbidden data folder, a link to nothing: named as such,
never as a damaged database, and never with advice to restore or rebuild (issue 18).

Root ignores permissions, so the read-only folder is met by another user: as root the
command runs as ``nobody`` on a folder that user owns but may not write to. SQLite reports
some writes refused for want of space as I/O errors; the full disk is a SQLite I/O error
(as SQLite raises it on a full disk: SQLITE_IOERR_SHMSIZE) on a disk with no free space.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.cli import main

SQLITE_IOERR_SHMSIZE = 4874
SQLITE_READONLY_DIRECTORY = 1544


def _sqlite_error(code: int, name: str, text: str = "disk I/O error") -> sqlite3.Error:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk has no free space, and SQLite fails to open a database read-only on it
    with the I/O error it gives then (it cannot grow its shared-memory file)."""
    real_connect = sqlite3.connect

    def connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if "mode=ro" in str(database):
            raise _sqlite_error(SQLITE_IOERR_SHMSIZE, "SQLITE_IOERR_SHMSIZE")
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: shutil._ntuple_diskusage(10**9, 10**9, 0))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["audit"], ["backup"], ["pin", "reset"], ["kb", "list"]])
def test_a_full_disk_at_start_is_named_full_not_damaged(
    data_dir: Path, full_disk: None, capsys, command: list[str]
) -> None:
    before = {p.name: p.read_bytes() for p in data_dir.glob("*.sqlite")}
    assert main(command) == 3
    err = capsys.readouterr().err
    assert "the disk is full" in err and "free some disk space" in err, err
    assert "damaged" not in err and "explorer restore" not in err and "kb build" not in err
    assert {p.name: p.read_bytes() for p in data_dir.glob("*.sqlite")} == before


@pytest.mark.sqlite_only
def test_kb_build_on_a_full_disk_keeps_the_knowledge_base_in_place(
    data_dir: Path, full_disk: None, capsys
) -> None:
    """It used to set the 'damaged' file aside (and then fail to build a new one)."""
    assert main(["kb", "build"]) == 3
    assert "the disk is full" in capsys.readouterr().err
    assert (data_dir / "knowledge.sqlite").stat().st_size > 0
    assert not list(data_dir.glob("knowledge.sqlite.damaged-*"))


# --- a data folder this user may not write to ------------------------------------------------


@pytest.fixture
def read_only_folder(data_dir: Path) -> Iterator[tuple[Path, list[str]]]:
    """``data_dir`` copied where another user can reach it, made read-only for the user who
    runs the command (``nobody`` when the tests run as root), and the command prefix."""
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    base = Path(tempfile.mkdtemp(prefix="explorer-ro-", dir="/tmp"))
    os.chmod(base, 0o755)
    folder = base / "data"
    shutil.copytree(data_dir, folder)
    prefix: list[str] = []
    if os.geteuid() == 0:
        import pwd

        nobody = pwd.getpwnam("nobody")
        for path in (folder, *folder.rglob("*")):
            os.chown(path, nobody.pw_uid, nobody.pw_gid, follow_symlinks=False)
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv is needed to run a command as another user")
        prefix = [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}"]
        prefix += ["--clear-groups"]
    os.chmod(folder, 0o500)
    try:
        yield folder, prefix
    finally:
        os.chmod(folder, 0o700)
        shutil.rmtree(base, ignore_errors=True)


def _explorer(prefix: list[str], folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", HOME=str(folder.parent))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return subprocess.run(
        [*prefix, sys.executable, "-m", "explorer", "--data-dir", str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=folder.parent,
    )


@pytest.mark.sqlite_only
def test_kb_build_in_a_read_only_data_folder_says_so_and_exits_3(read_only_folder) -> None:
    folder, prefix = read_only_folder
    knowledge = (folder / "knowledge.sqlite").read_bytes()
    built = _explorer(prefix, folder, "kb", "build")
    assert built.returncode == 3, built.stderr  # not 1 ("content refused")
    assert "Traceback" not in built.stderr and "PermissionError" not in built.stderr
    assert "permission" in built.stderr and "damaged" not in built.stderr, built.stderr
    assert (folder / "knowledge.sqlite").read_bytes() == knowledge
    assert not list(folder.glob("knowledge.sqlite.damaged-*"))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["kb", "list"], ["audit"]])
def test_a_read_only_data_folder_is_not_called_damaged(read_only_folder, command) -> None:
    folder, prefix = read_only_folder
    result = _explorer(prefix, folder, *command)
    if result.returncode == 0:
        return  # read without writing: fine too
    assert result.returncode == 3, result.stderr
    assert "permission" in result.stderr or "read-only" in result.stderr, result.stderr
    assert "damaged" not in result.stderr and "kb build" not in result.stderr
    assert "explorer restore" not in result.stderr


# --- links to nothing ------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_knowledge_base_that_links_to_nothing_is_rebuilt_as_a_real_file(
    data_dir: Path, tmp_path: Path, capsys
) -> None:
    knowledge = data_dir / "knowledge.sqlite"
    for path in data_dir.glob("knowledge.sqlite*"):
        path.unlink()
    target = tmp_path / "unmounted" / "knowledge.sqlite"
    knowledge.symlink_to(target)
    assert main(["kb", "list"]) == 3
    err = capsys.readouterr().err
    assert "link to" in err and "kb build" in err, err
    assert main(["kb", "build"]) == 0, capsys.readouterr().err
    assert not knowledge.is_symlink() and knowledge.stat().st_size > 0
    assert not target.exists() and not target.parent.exists()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("target_folder_exists", [False, True])
def test_a_clinic_database_that_links_to_nothing_is_explained_never_created(
    data_dir: Path, tmp_path: Path, capsys, target_folder_exists: bool
) -> None:
    clinic = data_dir / "clinic.sqlite"
    for path in data_dir.glob("clinic.sqlite*"):
        path.unlink()
    target = tmp_path / "usb-disk" / "clinic.sqlite"
    if target_folder_exists:
        target.parent.mkdir()
    clinic.symlink_to(target)
    for command in (["audit"], ["backup"], ["pin", "reset"]):
        assert main(command) == 3
        err = capsys.readouterr().err
        assert "link to" in err and str(target) in err and "damaged" not in err, err
    assert clinic.is_symlink() and not target.exists()  # nothing created through the link


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["audit"], ["backup"]])
def test_clinic_commands_on_a_new_data_folder_create_it(
    tmp_path: Path, command: list[str], capsys
) -> None:
    """Found while probing: `explorer backup` on a folder that did not exist yet said
    "Cannot make … private (No such file or directory); check the folder's permissions"."""
    folder = tmp_path / "new" / "data"
    assert main(["--data-dir", str(folder), *command]) == 0, capsys.readouterr().err
    assert (folder / "clinic.sqlite").is_file()
