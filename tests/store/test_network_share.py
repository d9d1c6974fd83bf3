"""A SQLite data folder on a network share is refused, with a message pointing to the
PostgreSQL server mode; local folders (and this machine's test folders) are not."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest

from explorer.services.stores import open_stores
from explorer.store.network_share import (
    NetworkShareRefused,
    linux_mounts,
    mac_mounts,
    network_share_kind,
    refuse_network_share,
)
from tests.engines import backend_for, backend_of

PROC_MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
server:/export/clinic /mnt/clinic nfs4 rw,vers=4.2 0 0
//nas/share /mnt/smb\\040share cifs rw 0 0
user@host:/data /home/dr/remote fuse.sshfs rw 0 0
/dev/sdb1 /mnt/clinic/local-disk ext4 rw 0 0
"""

MAC_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
//dr@nas._smb._tcp.local/Clinic on /Volumes/Clinic (smbfs, nodev, nosuid, mounted by dr)
afp_0TQ on /Volumes/Old Share (afpfs, nodev, nosuid)
"""


@pytest.mark.parametrize(
    ("folder", "kind"),
    [
        ("/mnt/clinic/data", "a network file system (nfs4)"),
        ("/mnt/smb share/Explorer", "a network file system (cifs)"),
        ("/home/dr/remote/x", "a network file system (fuse.sshfs)"),
        ("/mnt/clinic/local-disk/data", None),  # a local disk mounted inside the share
        ("/home/dr/.local/share/SpineTreatmentExplorer", None),
        ("/tmp/x", None),
    ],
)
def test_linux_mount_types(folder: str, kind: str | None) -> None:
    assert network_share_kind(Path(folder), mounts=linux_mounts(PROC_MOUNTS)) == kind


@pytest.mark.parametrize(
    ("folder", "kind"),
    [
        ("/Volumes/Clinic/Explorer", "a network file system (smbfs)"),
        ("/Volumes/Old Share/x", "a network file system (afpfs)"),
        ("/Users/dr/Library/Application Support/SpineTreatmentExplorer", None),
    ],
)
def test_macos_mount_types(folder: str, kind: str | None) -> None:
    assert network_share_kind(Path(folder), mounts=mac_mounts(MAC_MOUNT)) == kind


def test_unc_paths_and_mapped_drives() -> None:
    unc = PureWindowsPath(r"\\server\share\Explorer")
    assert network_share_kind(unc, mounts=[], windows=True) == "a network (UNC) path"  # type: ignore[arg-type]
    drives = [("Z:", "remote"), ("C:", "fixed")]
    mapped = PureWindowsPath(r"Z:\Explorer")
    assert network_share_kind(mapped, mounts=drives, windows=True) == "a mapped network drive (Z:)"  # type: ignore[arg-type]
    local = PureWindowsPath(r"C:\Users\dr\AppData\Local\SpineTreatmentExplorer")
    assert network_share_kind(local, mounts=drives, windows=True) is None  # type: ignore[arg-type]


def test_the_refusal_points_to_the_server_mode() -> None:
    with pytest.raises(NetworkShareRefused, match="--database-url") as caught:
        refuse_network_share(Path("/mnt/clinic/data"), mounts=linux_mounts(PROC_MOUNTS))
    assert "network share" in str(caught.value) and "docs/several-pcs.md" in str(caught.value)


def test_opening_a_data_folder_on_a_share_is_refused(tmp_path: Path, monkeypatch) -> None:
    from explorer.store import network_share

    monkeypatch.setattr(network_share, "_system_mounts", lambda: [(str(tmp_path), "nfs")])
    with pytest.raises(NetworkShareRefused, match="nfs"):
        open_stores(backend_for(tmp_path / "data"))
    assert not (tmp_path / "data" / "clinic.sqlite").exists()


@pytest.mark.postgres_only
def test_with_the_server_mode_a_data_folder_on_a_share_is_used(
    tmp_path: Path, monkeypatch, database
) -> None:
    """What the refusal advises works: with a server, the data folder (logs, settings) may
    be on a share, since no database file is kept there; with the knowledge base kept
    locally (EXPLORER_LOCAL_KNOWLEDGE=1) it is a SQLite file again, and refused."""
    from explorer.services.consults import ConsultService
    from explorer.store import network_share

    monkeypatch.setattr(network_share, "_system_mounts", lambda: [(str(tmp_path), "nfs")])
    stores = open_stores(backend_of(tmp_path / "data"))
    try:
        ConsultService(stores.clinic).start(condition=None, treatments=["tens"])
        with stores.knowledge_session() as session:
            assert len(stores.repository(session).treatment_summaries()) >= 14
    finally:
        stores.close()
    assert not list((tmp_path / "data").glob("*.sqlite*"))
    monkeypatch.setenv("EXPLORER_LOCAL_KNOWLEDGE", "1")
    with pytest.raises(NetworkShareRefused, match="nfs"):
        open_stores(backend_of(tmp_path / "data"))


def test_this_machines_test_folders_are_local(tmp_path: Path) -> None:
    assert network_share_kind(tmp_path) is None


GVFS_MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw,nosuid,nodev,user_id=1000 0 0
"""
GVFS = "/run/user/1000/gvfs"


@pytest.mark.parametrize(
    ("folder", "kind"),
    [
        (f"{GVFS}/smb-share:server=nas,share=clinic/Explorer", "smb-share"),
        (f"{GVFS}/dav:host=cloud.example,ssl=true/x", "dav"),
        (f"{GVFS}/sftp:host=server/home/dr", "sftp"),
        (f"{GVFS}/nfs:host=nas,prefix=%2Fexport/x", "nfs"),
        (f"{GVFS}/mtp:host=Phone/Internal", None),  # a phone on USB: local
        (GVFS, None),
    ],
)
def test_shares_opened_in_gnome_files_are_network_shares(folder: str, kind: str | None) -> None:
    """GNOME Files mounts every share under one FUSE mount, a folder per share."""
    found = network_share_kind(Path(folder), mounts=linux_mounts(GVFS_MOUNTS))
    if kind is None:
        assert found is None
    else:
        assert found == f"a network share opened in the file manager ({kind})"


def test_a_link_to_a_folder_on_a_share_is_on_the_share(tmp_path: Path) -> None:
    """Found in review: the path was not resolved, so a data folder that is a symbolic link
    into an NFS mount was accepted."""
    real = tmp_path / "nfs-mounted"
    (real / "data").mkdir(parents=True)
    link = tmp_path / "my-data"
    link.symlink_to(real / "data")
    mounts = [("/", "ext4"), (str(real), "nfs4")]
    assert network_share_kind(link, mounts=mounts) == "a network file system (nfs4)"
    assert network_share_kind(tmp_path, mounts=mounts) is None


@pytest.mark.parametrize(
    ("folder", "kind"),
    [
        ("\\\\?\\C:\\Users\\dr\\AppData\\Local\\SpineTreatmentExplorer", None),  # long path
        ("\\\\?\\UNC\\nas\\clinic\\Explorer", "a network (UNC) path"),
        ("\\\\nas\\clinic\\Explorer", "a network (UNC) path"),
    ],
)
def test_windows_long_path_prefix_is_not_taken_for_a_share(folder: str, kind) -> None:
    assert network_share_kind(Path(folder), mounts=[], windows=True) == kind


def test_dns_sd_webdav_shares_in_gnome_files_are_network_shares() -> None:
    folder = Path(f"{GVFS}/dav+sd:host=Nextcloud._webdav._tcp.local/Explorer")
    found = network_share_kind(folder, mounts=linux_mounts(GVFS_MOUNTS))
    assert found == "a network share opened in the file manager (dav+sd)"
