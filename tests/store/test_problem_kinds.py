"""Each kind of database problem gets its own words, from SQLite's result code or the
system's errno (and, for an I/O error that does not say why, from the disk): only damage
is called damage (issue 18)."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from explorer.store import sqlite_files
from explorer.store.problems import DatabaseProblem, ProblemKind
from explorer.store.sqlite_files import kind_of, problem_of

SQLITE_READONLY_DIRECTORY = 1544


def _sqlite_error(code: int, name: str, text: str = "disk I/O error") -> sqlite3.Error:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_sqlite_error(13, "SQLITE_FULL", "database or disk is full"), ProblemKind.FULL),
        (_sqlite_error(5, "SQLITE_BUSY", "database is locked"), ProblemKind.BUSY),
        (_sqlite_error(11, "SQLITE_CORRUPT", "database disk image is malformed"), "damaged"),
        (_sqlite_error(26, "SQLITE_NOTADB", "file is not a database"), ProblemKind.DAMAGED),
        (OSError(errno.ENOSPC, "No space left on device"), ProblemKind.FULL),
        (OSError(errno.EROFS, "Read-only file system"), ProblemKind.READ_ONLY),
        (OSError(errno.EACCES, "Permission denied"), ProblemKind.NO_ACCESS),
        (OSError(errno.EPERM, "Operation not permitted"), ProblemKind.NO_ACCESS),
    ],
)
def test_each_kind_of_problem_has_its_own_words(
    tmp_path: Path, error: BaseException, kind: str
) -> None:
    path = tmp_path / "clinic.sqlite"
    problem = problem_of(path, error)
    assert problem.kind == kind == kind_of(path, error)
    assert problem.damaged == (kind == ProblemKind.DAMAGED)
    assert ("damaged" in str(problem)) == (kind == ProblemKind.DAMAGED), problem
    assert str(path) in str(problem)


def test_sqlite_read_only_on_a_read_only_disk_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ReadOnlyDisk:  # plenty of free space (shutil.disk_usage reads this too)
        f_flag = os.ST_RDONLY
        f_frsize = 4096
        f_blocks = f_bfree = f_bavail = 1_000_000

    monkeypatch.setattr(sqlite_files.os, "statvfs", lambda _p: ReadOnlyDisk, raising=False)
    error = _sqlite_error(SQLITE_READONLY_DIRECTORY, "SQLITE_READONLY_DIRECTORY")
    problem = problem_of(tmp_path / "knowledge.sqlite", error)
    assert problem.kind is ProblemKind.READ_ONLY and problem.writes_refused
    assert "read-only" in str(problem) and "damaged" not in str(problem)


@pytest.mark.sqlite_only
def test_a_link_to_nothing_is_never_made_private_through(tmp_path: Path) -> None:
    link = tmp_path / "knowledge.sqlite"
    link.symlink_to(tmp_path / "elsewhere.sqlite")
    with pytest.raises(DatabaseProblem) as caught:
        sqlite_files.make_private(link)
    assert caught.value.kind is ProblemKind.MISSING
    assert not (tmp_path / "elsewhere.sqlite").exists()
    assert stat.S_ISLNK(link.lstat().st_mode)


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        ("DiskFull", ProblemKind.FULL, "disk is full"),
        ("ReadOnlySqlTransaction", ProblemKind.READ_ONLY, "read-only"),
        ("InsufficientPrivilege", ProblemKind.NO_ACCESS, "no permission"),
    ],
)
def test_the_servers_full_read_only_and_permission_errors_are_not_damage(
    error: str, kind: ProblemKind, words: str
) -> None:
    """SQLSTATE 53100, 25006 and 42501 on PostgreSQL: the same kinds as on SQLite."""
    from psycopg import errors

    from explorer.store.backend.postgres import parse_server_url, server_problem

    target = parse_server_url("postgresql://clinic@db.example:5432/explorer")
    problem = server_problem(target, getattr(errors, error)("refused"))
    assert problem is not None and problem.kind is kind and not problem.damaged
    assert words in str(problem) and "damaged" not in str(problem)
