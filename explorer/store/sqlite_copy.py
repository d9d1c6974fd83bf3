"""Safe copies of SQLite files, with the standard library only (no SQLAlchemy).

A copy is made with SQLite's online backup API (``sqlite3.Connection.backup``), which reads
a consistent snapshot even while the application is writing; copying the file itself
mid-transaction would not. The copy goes to a temporary file beside its target, is
checked with ``PRAGMA integrity_check``, flushed to disk and only then renamed into place:
a failure (full disk, unwritable folder, damaged source) leaves no partial file and never
touches the source or an existing target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from explorer.store.sqlite_files import PRIVATE_FILE_MODE, SIDE_FILES, lenient


class CopyFailed(Exception):
    """A copy could not be made or did not verify; nothing was changed.

    ``full`` says the disk (or the file-size limit) ran out; ``denied`` that the folder
    or file could not be written.
    """

    def __init__(self, message: str, *, full: bool = False, denied: bool = False) -> None:
        super().__init__(message)
        self.full = full
        self.denied = denied


_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR}


def _failure(exc: BaseException, what: str) -> CopyFailed:
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        return CopyFailed(
            f"{what}: {text}",
            full=exc.errno in _FULL_ERRNOS,
            denied=exc.errno in _DENIED_ERRNOS,
        )
    text = str(exc)
    full = "full" in text or "too large" in text
    denied = "readonly" in text or "read-only" in text or "unable to open" in text
    return CopyFailed(f"{what}: {text}", full=full, denied=denied)


def integrity_problem(connection: sqlite3.Connection) -> str | None:
    """``PRAGMA integrity_check`` (the thorough one); None when the database is sound."""
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    return None if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:3])


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target`` (verified, 0600, atomic).

    The copy is a single self-contained file (rollback journal, no ``-wal`` beside it).
    Raises :class:`CopyFailed`; on failure ``target`` is exactly as before.
    """
    # A name of its own (another process may be copying beside it); one left by a copy that
    # was killed is cleared by the backup rotation later, and never counts as a backup.
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
        os.close(handle)
        temp = Path(name)
        os.chmod(temp, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise _failure(exc, f"cannot write in {target.parent}") from exc
    try:
        _copy_pages(source, temp)
        _fsync(temp)
        os.replace(temp, target)
        _fsync_folder(target.parent)
    except (OSError, sqlite3.Error, UnicodeDecodeError) as exc:
        _remove(temp)
        raise _failure(exc, f"could not write {target.name}") from exc
    except CopyFailed:
        _remove(temp)
        raise


def _copy_pages(source: Path, temp: Path) -> None:
    src = lenient(sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True, timeout=5))
    try:
        dst = lenient(sqlite3.connect(temp))
        try:
            src.backup(dst)
            # The copy inherits WAL mode from the source; as a backup it should be one file.
            dst.execute("PRAGMA journal_mode=DELETE")
            problem = integrity_problem(dst)
            if problem is not None:
                raise CopyFailed(f"the copy failed its integrity check ({problem})")
        finally:
            dst.close()
    finally:
        src.close()


def _remove(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        with contextlib.suppress(OSError):
            candidate.unlink()


def set_aside(path: Path, suffix: str) -> Path:
    """Keep ``path`` (and its ``-wal``/``-shm``/``-journal`` files) under a new name.

    ``clinic.sqlite`` becomes ``clinic.sqlite.<suffix>`` and its ``-wal`` becomes
    ``clinic.sqlite.<suffix>-wal``, so the pieces stay together for a specialist. The main
    file is hard-linked where the file system allows it, so that ``path`` never goes
    missing in between (the caller then replaces it); elsewhere it is renamed.
    """
    aside = path.with_name(f"{path.name}.{suffix}")
    number = 1
    while any(aside.with_name(aside.name + s).exists() for s in ("", *SIDE_FILES)):
        number += 1  # never overwrite a file set aside earlier
        aside = path.with_name(f"{path.name}.{suffix}-{number}")
    for side in SIDE_FILES:  # first, so an old WAL is never applied to what replaces it
        candidate = path.with_name(path.name + side)
        if candidate.exists():
            os.replace(candidate, aside.with_name(aside.name + side))
    if path.exists():
        try:
            os.link(path, aside)
        except OSError:
            os.replace(path, aside)
    return aside


class InUse(Exception):
    """Another connection (another window or program) has the database open."""


@contextlib.contextmanager
def sole_user(path: Path) -> Iterator[None]:
    """Make sure no other connection has the database at ``path`` open, and keep it so.

    Leaving WAL mode needs every other connection closed, so ``PRAGMA journal_mode=DELETE``
    fails with "locked" while another window has the file open; ``BEGIN EXCLUSIVE`` then
    keeps anyone from opening it until the caller is done (on Windows the connection is
    closed first, since an open file cannot be renamed there). Raises :class:`InUse`. A file
    too damaged to open at all is left to the caller.
    """
    if not path.is_file():
        yield
        return
    con = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        try:
            con.execute("PRAGMA journal_mode=DELETE")
            con.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise InUse(str(exc)) from exc
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            pass  # damaged: nobody else can be using it either
        if os.name == "nt":
            con.close()
        yield
    finally:
        con.close()
