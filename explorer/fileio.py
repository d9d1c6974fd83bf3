"""Writing files so that a failure never leaves half a file or destroys the old one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from explorer.errors import UserFacingError


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename.

    On any failure the temporary file is removed and an existing ``path`` is untouched.
    """
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
            f"Could not write {path} ({exc.strerror}). Nothing was changed; free some disk "
            "space or choose another folder."
        ) from exc
