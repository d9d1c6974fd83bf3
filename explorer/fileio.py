"""Reading files from outside defensively, and writing files so that a failure never
leaves half a file or destroys the old one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from explorer.domain.text import CONTROL_CHARACTERS
from explorer.errors import UserFacingError

MAX_NOTES_BYTES = 1024 * 1024
"""A consult notes file for ``explorer export --notes-file`` (1 MB is ~380 PDF pages)."""


class UnreadableFile(UserFacingError):
    """A file from outside that was refused; the message names it and says why."""


def read_text_file(path: Path, *, what: str, limit: int = MAX_NOTES_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, or :class:`UnreadableFile`.

    Refused, each with a one-line reason: a pipe or device (never opened), a file over the
    limit (never read past it), UTF-16, binary data, any other encoding than UTF-8 (a UTF-8
    byte-order mark is dropped) and control characters other than tab and line breaks.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before opening: a FIFO would block
            raise UnreadableFile(f"The {what} {path} is not a regular file.")
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnreadableFile(
            f"Cannot read the {what} {path} ({exc.strerror or exc}); check that it exists "
            "and that you may read it."
        ) from exc
    if len(raw) > limit:
        raise UnreadableFile(f"The {what} {path} is over the limit of {limit:,} bytes; shorten it.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(f"The {what} {path} is UTF-16 text; save it as UTF-8.")
    if b"\x00" in raw:
        raise UnreadableFile(f"The {what} {path} holds binary data, not text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"The {what} {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from exc
    bad = CONTROL_CHARACTERS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise UnreadableFile(
            f"The {what} {path} holds the control character U+{ord(bad.group()):04X} on "
            f"line {line}; remove it."
        )
    return text


_NOT_REGULAR = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def writable_target(path: Path) -> Path:
    """The file :func:`atomic_write_bytes` would replace for ``path``, or a
    :class:`UserFacingError` saying why it must not be replaced.

    A new name, or an existing regular file that is not write-protected, may be written. A
    symbolic link is written through: the regular file it points to is replaced and the
    link stays (a link to nothing is refused). Refused: a folder, a named pipe, a device
    (``/dev/null`` run as root would otherwise become a regular file) or a socket, and a
    file whose mode lacks its owner's write bit (``chmod a-w``; checked on the mode itself,
    because for root :func:`os.access` calls every file writable), or that this user may not
    write (a rename needs only the folder's permission, so nothing else would stop it).
    """
    target = path
    if path.is_symlink():
        target = path.resolve()
        if not target.exists():
            raise UserFacingError(
                f"{path} is a link to {target}, which does not exist; choose another file name."
            )
    try:
        info = target.stat()
    except (FileNotFoundError, NotADirectoryError):
        return target  # a new name (a missing folder is named when the writing starts)
    except OSError as exc:
        raise UserFacingError(
            f"Cannot check {path} ({exc.strerror or exc}); choose another file name."
        ) from exc
    for test, kind in _NOT_REGULAR:
        if test(info.st_mode):
            raise UserFacingError(
                f"{path} is {kind}, not a regular file; nothing was written. Choose a file name."
            )
    if not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise UserFacingError(
            f"{path} is write-protected; nothing was written. Allow writing to it, or choose "
            "another file name."
        )
    return target


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename.

    On any failure the temporary file is removed and an existing ``path`` is untouched.
    Only a new name or a regular file that may be written is replaced (see
    :func:`writable_target`: a pipe, device, folder or write-protected file is refused
    before anything is written; a symbolic link is written through to its file).
    """
    path = writable_target(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserFacingError(
            f"Cannot write to the folder {folder} ({exc.strerror}). Choose a folder you can "
            "write to."
        ) from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise UserFacingError(
            f"Could not write {path} ({exc.strerror or exc}). Nothing was changed; free some "
            "disk space or choose another folder."
        ) from exc
    except BaseException:  # interrupted (Ctrl+C, MemoryError): no temporary file left
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk (POSIX); best effort, the data is already written."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
