"""Refuse a SQLite data folder on a network share (standard library only: the window's
fast start path calls it).

SQLite's locking does not hold over network file systems, so files there corrupt in ways
that are hard to notice or reproduce (sqlite.org, "SQLite over a network"). Several PCs
share data through a PostgreSQL server instead (``--database-url``). Detected: UNC paths
(``\\\\server\\share``, ``//server/share``), Windows drives of type DRIVE_REMOTE (mapped
network drives), and on Linux and macOS the file system type of the folder's mount (NFS,
CIFS/SMB, AFP, 9p, sshfs, WebDAV and similar).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath

from explorer.store.problems import DatabaseProblem

NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "afpfs",
        "afp",
        "9p",
        "fuse.sshfs",
        "sshfs",
        "webdav",
        "davfs",
        "fuse.davfs2",
        "ncpfs",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "fuse.rclone",
        "fuse.kio-fuse",
        "fuse.s3fs",
        "lustre",
        "gpfs",
    }
)
GVFS_TYPE = "fuse.gvfsd-fuse"
"""GNOME's file manager mounts every share it opened under one FUSE mount
(``/run/user/UID/gvfs``), one folder per share, named after its protocol."""
GVFS_NETWORK_PREFIXES = (
    "smb-share:",
    "smb-server:",
    "dav:",
    "davs:",
    "dav+sd:",
    "davs+sd:",
    "sftp:",
    "ftp:",
    "ftps:",
    "nfs:",
    "afp-volume:",
    "google-drive:",
    "onedrive:",
)
DRIVE_REMOTE = 4


class NetworkShareRefused(DatabaseProblem):
    """The data folder is on a network share; the message points to the server mode."""


def _unescape(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes (\040 …)
    return field.encode().decode("unicode_escape") if "\\" in field else field


def linux_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) pairs of a ``/proc/mounts`` text."""
    found = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            found.append((_unescape(parts[1]), parts[2]))
    return found


def mac_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, type) pairs of macOS ``mount`` output (``… on /Volumes/x (smbfs, …)``)."""
    found = []
    for line in text.splitlines():
        if " on " not in line or " (" not in line:
            continue
        rest = line.split(" on ", 1)[1]
        point, _, options = rest.rpartition(" (")
        found.append((point, options.split(",", 1)[0].strip(" )")))
    return found


def _mount_of(path: PurePath, mounts: list[tuple[str, str]]) -> tuple[PurePath, str] | None:
    """The mount point and type of the mount holding ``path`` (the longest that contains it)."""
    best: tuple[PurePath, str] | None = None
    for point, kind in mounts:
        prefix = PurePath(point)
        contains = path == prefix or prefix in path.parents
        if contains and (best is None or len(prefix.parts) >= len(best[0].parts)):
            best = (prefix, kind)
    return best


def _system_mounts() -> list[tuple[str, str]]:
    import subprocess  # macOS only; not on the window's start path elsewhere

    try:
        if sys.platform.startswith("linux"):
            return linux_mounts(Path("/proc/mounts").read_text(errors="replace"))
        if sys.platform == "darwin":
            out = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5)
            return mac_mounts(out.stdout)
    except (OSError, subprocess.SubprocessError):
        pass  # cannot tell: the folder is not refused
    return []


def _windows_drive_is_remote(drive: str) -> bool:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
    return bool(kernel32.GetDriveTypeW(drive.rstrip("\\/") + "\\") == DRIVE_REMOTE)


def network_share_kind(
    folder: Path,
    *,
    mounts: list[tuple[str, str]] | None = None,
    windows: bool | None = None,
) -> str | None:
    """What kind of network share holds ``folder`` ("an nfs4 network mount"), or None.

    ``mounts`` and ``windows`` replace the system's mount table and platform (tests)."""
    text = str(folder)
    if text.startswith(("\\\\?\\", "//?/")):  # a long-path prefix: \\?\C:\… is local
        text = text[4:]
        if text[:4].upper() in ("UNC\\", "UNC/"):
            return "a network (UNC) path"
    elif text.startswith(("\\\\", "//")):
        return "a network (UNC) path"
    on_windows = os.name == "nt" if windows is None else windows
    if on_windows:
        drive = os.path.splitdrive(text)[0] if windows is None else text[:2]
        if mounts is None and drive and _windows_drive_is_remote(drive):
            return f"a mapped network drive ({drive})"
        if mounts is not None and drive:
            kind = dict(mounts).get(drive)
            return f"a mapped network drive ({drive})" if kind == "remote" else None
        return None
    table = _system_mounts() if mounts is None else mounts
    path = PurePath(os.path.realpath(text))  # a link to a share is on the share
    found = _mount_of(path, table)
    if found is None:
        return None
    point, kind = found
    if kind in NETWORK_FILE_SYSTEMS or kind.startswith("fuse.sshfs"):
        return f"a network file system ({kind})"
    if kind == GVFS_TYPE and path != point:
        share = path.relative_to(point).parts[0]
        if share.startswith(GVFS_NETWORK_PREFIXES):
            return f"a network share opened in the file manager ({share.split(':', 1)[0]})"
    return None


def refuse_network_share(folder: Path, **kwargs: object) -> None:
    """Raise :class:`NetworkShareRefused` when ``folder`` is on a network share."""
    kind = network_share_kind(folder, **kwargs)  # type: ignore[arg-type]
    if kind is None:
        return
    raise NetworkShareRefused(
        f"The data folder {folder} is on {kind}. SQLite files on a network share corrupt in "
        "ways that are hard to notice (sqlite.org, 'SQLite over a network'), so the "
        "application does not keep its databases there. For several PCs sharing consults, "
        "use a PostgreSQL server: start each PC with --database-url or "
        "EXPLORER_DATABASE_URL (see 'Several PCs', docs/several-pcs.md). For one PC, "
        "choose a folder on this PC's own disk with --data-dir.",
        path=folder,
    )
