"""Private scratch folders for copies of clinic data that must not outlive a killed process.

``explorer db copy`` reads a data folder on a network share through a local snapshot: a
copy of the consults. A process killed mid-copy never runs its clean-up, and the system's
temporary folder is not emptied on Windows, so each scratch folder holds a lock for as
long as its process lives; the next scratch folder removes those whose lock is free
(their process has ended, however it ended).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import filelock

log = logging.getLogger(__name__)

PREFIX = "explorer-scratch-"
_LOCK = ".in-use.lock"


@contextlib.contextmanager
def private_scratch(parent: Path | None = None) -> Iterator[Path]:
    """A new folder readable by this user only (0700), removed on exit; stale ones of
    killed processes under ``parent`` (default: the system's temporary folder) go first."""
    root = Path(parent or tempfile.gettempdir())
    remove_stale_scratch(root)
    with tempfile.TemporaryDirectory(prefix=PREFIX, dir=root) as name:
        folder = Path(name)
        with filelock.FileLock(str(folder / _LOCK), timeout=0):
            yield folder


def remove_stale_scratch(root: Path) -> list[Path]:
    """Remove the scratch folders under ``root`` whose process has ended; return them."""
    removed = []
    for folder in root.glob(f"{PREFIX}*"):
        lock = folder / _LOCK
        if folder.is_symlink() or not folder.is_dir() or not lock.is_file():
            continue  # not one of ours, or one still being set up
        try:
            with filelock.FileLock(str(lock), timeout=0):
                shutil.rmtree(folder)
        except filelock.Timeout:
            continue  # its process is alive
        except OSError as exc:
            log.warning("could not remove the stale scratch folder %s: %s", folder, exc)
            continue
        removed.append(folder)
    return removed
