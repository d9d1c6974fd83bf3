"""At every start, the data folder and the clinic data in it are made private to this user.

Files created by the application are private already (umask 077), but a folder copied
in, restored by hand or written by an older version may hold consult notes readable by
every user of the PC: ``backups/*.sqlite`` at 0644, ``backups/`` at 0755. On POSIX every
start sets the data folder, ``backups/`` and ``logs/`` to 0700 and the files in them that
hold clinic data (the two databases and their side files, the files kept aside beside
them, backups, logs, ``pin-attempts.json``) to 0600. The settings file is made private by
the window itself (:mod:`explorer.ui.window.settings`).

Links are never followed: a file this application did not put in the data folder (a link
to another disk) is left as it is. A file that cannot be changed (another owner, a
read-only disk) does not stop the start: it is logged, and named once in what is returned.
Windows keeps each user's data private through the folder's ACLs; nothing is changed there.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from explorer.errors import UserFacingError
from explorer.paths import CLINIC_DB, KNOWLEDGE_DB, log_dir
from explorer.store.backend import Backend
from explorer.store.sqlite_files import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

log = logging.getLogger(__name__)

PIN_ATTEMPTS = "pin-attempts.json"
_DATA_PREFIXES = (CLINIC_DB, KNOWLEDGE_DB)
"""Files in the data folder named after a database: it, its ``-wal``/``-shm``/``-journal``
and the copies kept aside (``.damaged-…``, ``.replaced-…``, ``.failed-upgrade-…``)."""


def prepare_data_dir(data_dir: Path) -> None:
    """Create the data folder when missing, private to this user (0700 on POSIX)."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    except OSError as exc:
        raise UserFacingError(
            f"Cannot create the data folder {data_dir} ({exc.strerror}). Choose another folder "
            "with --data-dir or EXPLORER_DATA_DIR."
        ) from exc


def make_data_private(backend: Backend) -> str | None:
    """Make the data folder, its backups and the clinic data in them readable by this user
    only (POSIX).

    Returns None when all is private, else one sentence naming what could not be changed
    (also logged), for the caller to show once."""
    if os.name != "posix":
        return None
    data_dir = backend.data_dir
    failed: list[str] = []
    if not _chmod(data_dir, PRIVATE_DIR_MODE, failed, directory=True):
        return _tell(failed)
    try:
        entries = list(os.scandir(data_dir))
    except OSError as exc:
        log.warning("cannot list %s to make it private: %s", data_dir, exc)
        entries = []
    for entry in entries:
        if entry.name.startswith(_DATA_PREFIXES) or entry.name == PIN_ATTEMPTS:
            _chmod(Path(entry.path), PRIVATE_FILE_MODE, failed)
    for folder in {backend.backup_dir, log_dir(data_dir)}:
        if _chmod(folder, PRIVATE_DIR_MODE, failed, directory=True):
            try:
                inside = list(os.scandir(folder))
            except OSError as exc:
                log.warning("cannot list %s to make it private: %s", folder, exc)
                continue
            for entry in inside:
                _chmod(Path(entry.path), PRIVATE_FILE_MODE, failed)
    return _tell(failed)


def _chmod(path: Path, mode: int, failed: list[str], *, directory: bool = False) -> bool:
    """Set ``path`` to ``mode`` unless it is a link, missing or not of the kind expected;
    True when it is (now) such a folder or file."""
    try:
        status = path.lstat()
    except OSError:
        return False  # not there (yet): nothing to protect
    if stat.S_ISLNK(status.st_mode):
        log.info("%s is a link: left as it is (links are not followed)", path)
        return False
    if directory != stat.S_ISDIR(status.st_mode) or not (directory or stat.S_ISREG(status.st_mode)):
        return False
    if stat.S_IMODE(status.st_mode) & 0o077 == 0:
        return True
    try:
        os.chmod(path, mode, follow_symlinks=False)
    except (OSError, NotImplementedError) as exc:
        log.info("cannot make %s private to this user: %s", path, exc)
        failed.append(str(path))
        return directory  # a folder that stays open is still worth looking into
    return True


def _tell(failed: list[str]) -> str | None:
    if not failed:
        return None
    more = f" and {len(failed) - 1} more" if len(failed) > 1 else ""
    return (
        f"Could not make {failed[0]}{more} private to this user (another owner or a "
        "read-only disk?): other users of this PC may be able to read it. Check the data "
        "folder's permissions."
    )
