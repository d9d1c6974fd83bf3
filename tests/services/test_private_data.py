"""Every start makes the data folder and the clinic data in it private to this user
(0700/0600), without following links out of it, and without failing on a file it cannot
change (issue 18: backups at 0644 in a 0755 folder were left readable by every user)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from explorer.cli import main
from tests.engines import backend_of

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.skipif(os.name != "posix", reason="Windows keeps them private by ACLs"),
]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def opened_up(data_dir: Path) -> list[Path]:
    """Make the data folder as an older version, or a copy by hand, may have left it."""
    from explorer.services.backup import make_backup

    make_backup(backend_of(data_dir), "manual")
    logs = data_dir / "logs"
    logs.mkdir(exist_ok=True)
    (logs / "explorer.log").write_text("a log line\n")
    (data_dir / "pin-attempts.json").write_text('{"failed": 1}')
    (data_dir / "clinic.sqlite.replaced-2026-11-25T090000").write_bytes(b"old clinic data")
    files = [
        data_dir / "clinic.sqlite",
        data_dir / "knowledge.sqlite",
        data_dir / "pin-attempts.json",
        data_dir / "clinic.sqlite.replaced-2026-11-25T090000",
        logs / "explorer.log",
        *(data_dir / "backups").glob("clinic-*.sqlite"),
    ]
    for path in files:
        path.chmod(0o644)
    for folder in (data_dir, data_dir / "backups", logs):
        folder.chmod(0o755)
    return files


@pytest.mark.parametrize("command", [["kb", "list"], ["audit"]])
def test_every_command_makes_the_clinic_data_private(data_dir: Path, command, capsys) -> None:
    files = opened_up(data_dir)
    assert main(command) == 0, capsys.readouterr().err
    assert [p.name for p in files if _mode(p) != 0o600] == []
    for folder in (data_dir, data_dir / "backups", data_dir / "logs"):
        assert _mode(folder) == 0o700, folder


def test_links_out_of_the_data_folder_are_not_followed(data_dir: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "someone-elses.txt"
    foreign.write_text("not ours")
    foreign.chmod(0o644)
    foreign_folder = tmp_path / "usb-backups"
    foreign_folder.mkdir()
    foreign_folder.chmod(0o755)
    (data_dir / "logs").mkdir(exist_ok=True)
    (data_dir / "logs" / "explorer.log.1").symlink_to(foreign)
    (data_dir / "pin-attempts.json").symlink_to(foreign)
    backups = data_dir / "backups"
    if backups.exists():
        for path in backups.iterdir():
            path.unlink()
        backups.rmdir()
    backups.symlink_to(foreign_folder, target_is_directory=True)
    from explorer.services.private_data import make_data_private

    assert make_data_private(backend_of(data_dir)) is None
    assert _mode(foreign) == 0o644 and _mode(foreign_folder) == 0o755


def test_a_file_that_cannot_be_made_private_is_said_once_and_the_start_goes_on(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    files = opened_up(data_dir)
    stubborn = data_dir / "backups"
    real_chmod = os.chmod

    def chmod(path, mode, **kwargs):
        if Path(path).parent == stubborn:
            raise PermissionError(1, "Operation not permitted", str(path))
        return real_chmod(path, mode, **kwargs)

    monkeypatch.setattr(os, "chmod", chmod)
    assert main(["kb", "list"]) == 0
    err = capsys.readouterr().err
    assert err.count("private to this user") == 1, err
    assert "backups" in err and "Traceback" not in err
    assert _mode(data_dir / "clinic.sqlite") == 0o600  # the others still were
    assert any(_mode(p) == 0o644 for p in files if p.parent == stubborn)
