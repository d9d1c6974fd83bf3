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
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from explorer.store.problems import ProblemKind
from explorer.store.sqlite_files import PRIVATE_FILE_MODE, SIDE_FILES, kind_of, lenient


class CopyFailed(Exception):
    """A copy could not be made or did not verify; nothing was changed.

    ``full`` says the disk (or the file-size limit) ran out; ``denied`` that the folder
    or file could not be written.
    """

    def __init__(self, message: str, *, full: bool = False, denied: bool = False) -> None:
        super().__init__(message)
        self.full = full
        self.denied = denied


def _failure(exc: BaseException, what: str, target: Path) -> CopyFailed:
    """A failed copy as :class:`CopyFailed`, classified like every other database problem
    (:func:`~explorer.store.sqlite_files.kind_of`: SQLite's result code or the errno)."""
    kind = kind_of(target, exc)
    text = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
    return CopyFailed(
        f"{what}: {text}",
        full=kind is ProblemKind.FULL,
        denied=kind in (ProblemKind.READ_ONLY, ProblemKind.NO_ACCESS)
        or (isinstance(exc, OSError) and exc.errno in (errno.ENOTDIR, errno.EISDIR)),
    )


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


def copy_database(source: Path, target: Path, *, rebuild_indexes: bool = False) -> bool:
    """Copy the SQLite database ``source`` to ``target`` (verified, 0600, atomic).

    The copy is a single self-contained file (rollback journal, no ``-wal`` beside it).
    With ``rebuild_indexes``, a copy whose only damage is in its indexes (the data intact)
    has them rebuilt and counts; returns True when that happened. Raises
    :class:`CopyFailed`; on failure ``target`` is exactly as before.
    """
    with staged_copy(source, target, rebuild_indexes=rebuild_indexes) as (temp, rebuilt):
        try:
            os.replace(temp, target)
            _fsync_folder(target.parent)
        except OSError as exc:
            raise _failure(exc, f"could not write {target.name}", target) from exc
    return rebuilt


@contextlib.contextmanager
def staged_copy(
    source: Path, target: Path, *, rebuild_indexes: bool = False
) -> Iterator[tuple[Path, bool]]:
    """A verified copy of ``source`` beside ``target`` under a temporary ``.partial`` name,
    flushed to disk, for the caller to rename into place (``os.replace``) in the block.

    Yields the temporary path and whether damaged indexes were rebuilt. Whatever is still
    under the temporary name when the block ends (a failure, an exception) is removed; one
    left by a process that was killed is removed later by :func:`remove_stale_partials`.
    """
    # A name of its own (another process may be copying beside it).
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent
        )
        os.close(handle)
        temp = Path(name)
        os.chmod(temp, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise _failure(exc, f"cannot write in {target.parent}", target) from exc
    try:
        try:
            _copy_pages(source, temp)
            rebuilt = _verify(temp, rebuild_indexes=rebuild_indexes)
            _fsync(temp)
        except (OSError, sqlite3.Error, UnicodeDecodeError) as exc:
            raise _failure(exc, f"could not write {target.name}", target) from exc
        yield temp, rebuilt
    finally:
        _remove(temp)


def _copy_pages(source: Path, temp: Path) -> None:
    src = lenient(sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True, timeout=5))
    try:
        dst = lenient(sqlite3.connect(temp))
        try:
            src.backup(dst)
            # The copy inherits WAL mode from the source; as a backup it should be one file.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _verify(temp: Path, *, rebuild_indexes: bool) -> bool:
    """``PRAGMA integrity_check`` on the copy (with ``rebuild_indexes``, again after a
    rebuild of its indexes); raises :class:`CopyFailed`, returns whether it rebuilt."""
    dst = lenient(sqlite3.connect(temp))
    try:
        problem = integrity_problem(dst)
        rebuilt = False
        if problem is not None and rebuild_indexes and _rebuild_indexes(dst):
            rebuilt, problem = True, integrity_problem(dst)
        if problem is not None:
            raise CopyFailed(f"the copy failed its integrity check ({problem})")
        return rebuilt
    finally:
        dst.close()


def _rebuild_indexes(connection: sqlite3.Connection) -> bool:
    """``REINDEX``: every index rebuilt from its table. False when that fails (the tables
    themselves are damaged, or their rows break a UNIQUE index): the data is not intact."""
    try:
        connection.execute("REINDEX")
        connection.commit()
    except sqlite3.DatabaseError:
        connection.rollback()
        return False
    return True


def copy_problem(source: Path) -> str | None:
    """What would make a copy of ``source`` fail with ``rebuild_indexes``, or None.

    ``PRAGMA integrity_check`` on the file (read-only); when that finds damage, the same
    rebuild of the indexes that the copy would do, on a copy in memory. So the answer is
    exactly what :func:`copy_database` with ``rebuild_indexes`` will do with the file.
    """
    try:
        src = lenient(sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True, timeout=5))
        try:
            problem = integrity_problem(src)
            if problem is None:
                return None
            memory = lenient(sqlite3.connect(":memory:"))
            try:
                src.backup(memory)
                if _rebuild_indexes(memory) and integrity_problem(memory) is None:
                    return None
            finally:
                memory.close()
            return problem
        finally:
            src.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        return str(exc)


PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 15 * 60
"""A ``.partial`` copy older than this was left by a copy that was killed (a running copy
takes seconds, and writes to the file as it goes)."""

_PARTIAL = re.compile(r"^\..+\.partial(-journal|-wal|-shm)?$")
"""The names :func:`staged_copy` gives its temporary files (hidden, ``.<target>.<random>
.partial``), with SQLite's side files."""


def remove_stale_partials(
    folder: Path, *, also: re.Pattern[str] | None = None, now: float | None = None
) -> list[Path]:
    """Remove the temporary copies in ``folder`` that a killed copy left behind.

    Only names made by :func:`staged_copy` (and names ``also`` matches), only when
    untouched for :data:`STALE_PARTIAL_SECONDS`: such a file never took the place of
    anything (the rename is the copy's last step) and its source was only read, so it never
    holds the only copy of anything. A younger one may belong to a copy running right now.
    """
    now = time.time() if now is None else now
    try:
        entries = [
            e
            for e in os.scandir(folder)
            if _PARTIAL.match(e.name) or (also is not None and also.match(e.name))
        ]
    except OSError:
        return []
    removed = []
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and (
                now - entry.stat(follow_symlinks=False).st_mtime > STALE_PARTIAL_SECONDS
            ):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _remove(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        with contextlib.suppress(OSError):
            candidate.unlink()


def set_aside(path: Path, suffix: str) -> Path:
    """Keep ``path`` (and its ``-wal``/``-shm``/``-journal`` files) under a new name; a
    link is kept as a link, even one to a file that is not there (a disk not connected).

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
    if path.is_symlink():
        os.replace(path, aside)  # the link itself (it says where the data was), never its target
    elif path.exists():
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
            if kind_of(path, exc) is ProblemKind.BUSY:
                raise InUse(str(exc)) from exc
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            pass  # damaged: nobody else can be using it either
        if os.name == "nt":
            con.close()
        yield
    finally:
        con.close()
