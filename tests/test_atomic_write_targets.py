"""The atomic writer replaces only a new name or a regular file that may be written: a named
pipe, a device, a folder or a write-protected file is refused with one line naming it, and
stays what it was; a symbolic link is written through to the file it points to.

The tests run as root too (the CI container does): write protection is the file's mode,
which root's :func:`os.access` ignores.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes

PREVIOUS = b"the previous version, kept\n"
TREATMENTS = "exercise-therapy,tens"
posix = pytest.mark.skipif(os.name != "posix", reason="named pipes and modes are POSIX")


def _no_temporary(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@posix
def test_a_named_pipe_is_refused_and_stays_a_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "out.pdf"
    os.mkfifo(pipe)
    with pytest.raises(UserFacingError, match="is a named pipe, not a regular file"):
        atomic_write_bytes(pipe, b"data")
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    _no_temporary(tmp_path)


@posix
def test_a_device_node_is_refused_and_stays_a_device(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:  # a twin of /dev/null, so that the real one is never at stake
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    with pytest.raises(UserFacingError, match="is a device, not a regular file"):
        atomic_write_bytes(device, b"data")
    assert stat.S_ISCHR(device.lstat().st_mode)
    _no_temporary(tmp_path)


def test_a_folder_is_refused_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    (folder / "inside").mkdir(parents=True)
    with pytest.raises(UserFacingError, match="is a folder, not a regular file"):
        atomic_write_bytes(folder, b"data")
    assert (folder / "inside").is_dir()
    _no_temporary(tmp_path)


@posix
@pytest.mark.parametrize("mode", [0o444, 0o044, 0o000])
def test_a_write_protected_file_is_refused_and_kept(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "summary.pdf"
    target.write_bytes(PREVIOUS)
    target.chmod(mode)
    with pytest.raises(UserFacingError, match="is write-protected; nothing was written"):
        atomic_write_bytes(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    target.chmod(0o600)
    assert target.read_bytes() == PREVIOUS
    _no_temporary(tmp_path)


@posix
def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "summary.pdf"
    real.write_bytes(PREVIOUS)
    link = tmp_path / "latest.pdf"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes() == b"new"
    _no_temporary(tmp_path)
    _no_temporary(tmp_path / "real")


@posix
def test_links_to_nothing_or_to_a_protected_file_are_refused(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "missing" / "x.pdf")
    with pytest.raises(UserFacingError, match="which does not exist"):
        atomic_write_bytes(dangling, b"new")
    protected = tmp_path / "protected.pdf"
    protected.write_bytes(PREVIOUS)
    protected.chmod(0o444)
    link = tmp_path / "link.pdf"
    link.symlink_to(protected)
    with pytest.raises(UserFacingError, match="write-protected"):
        atomic_write_bytes(link, b"new")
    assert link.is_symlink() and protected.read_bytes() == PREVIOUS


def test_a_new_name_and_a_writable_file_are_written(tmp_path: Path) -> None:
    target = tmp_path / "summary.pdf"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"


@posix
@pytest.mark.parametrize(
    ("what", "args"),
    [
        ("PDF", ["export", "--condition", "sciatica", "--treatments", TREATMENTS, "--out"]),
        ("audit CSV", ["audit", "--out"]),
        ("knowledge-base JSON", ["kb", "export", "--format", "json"]),
    ],
)
def test_commands_refuse_a_pipe_and_a_protected_file_with_exit_3(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, args: list[str]
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    protected = tmp_path / "protected"
    protected.write_bytes(PREVIOUS)
    protected.chmod(0o444)
    for target, says in ((pipe, "is a named pipe"), (protected, "is write-protected")):
        code = main(["--data-dir", str(data_dir), *args, str(target)])
        err = capsys.readouterr().err
        assert code == 3, (what, err)
        assert says in err and str(target) in err and len(err.strip().splitlines()) == 1
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert protected.read_bytes() == PREVIOUS
