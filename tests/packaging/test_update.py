"""Installing version N+1 over version N keeps the consults, the PIN and the settings, and
the database is upgraded at the first start, through the bundles and the Linux installer.

Version N is the application as it was at ``OLD_COMMIT``, built into a bundle by today's
packaging (that commit predates it): its knowledge base is in the old table layout at
Alembic revision 0005 (today: one stored document, revision kb4.1), it
already has consults and the clinician PIN (clinic schema c0003), and it has no ``db``
command. Its bundle is cached in build/update-test/ by commit and spec (~60 s to build on
2 cores); a fresh clone builds it once. The data of version N is made as a clinic would:
N's own bundle creates the data folder at its first start; the consults and the PIN,
which only the window creates, are written by N's source code (a bundle runs no scripts).
Version N+1 is the tarball just built, installed with its install.sh over N, as the
clinic's update instructions say (docs/install.md).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from explorer.store.heads import KNOWLEDGE_HEAD
from tests.packaging.conftest import (
    EXE,
    REPO,
    data_folder,
    package_script,
    run_bundle,
    start_window,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="install.sh is the Linux installer"),
]

# "Patient handout: one card per option…" (2026-11-26): knowledge schema 0005, clinic c0003.
OLD_COMMIT = "fa26b692cfb6c5d1a8e64076fd4df386a5dba447"
NAME = "spine-treatment-explorer"
PIN = "4826"
NOTE = "<p>Keeps walking 30 min a day; reconsider injection in 6 weeks.</p>"
MAKE_OLD_DATA = textwrap.dedent(
    """
    import dataclasses, sys
    from pathlib import Path
    import explorer
    assert explorer.__file__.startswith(sys.argv[2]), explorer.__file__  # N's source
    # version N's module names, not today's: this script runs on N's source
    from explorer.services.access import AccessService
    from explorer.services.consults import ConsultService
    from explorer.services.knowledge import open_stores

    stores = open_stores(Path(sys.argv[1]), refresh_shipped=False)
    consults = ConsultService(stores.clinic, clinician="Dr Old")
    for label in ("Update test A", "Update test B"):
        consult = consults.start(
            condition="sciatica",
            treatments=["exercise-therapy", "epidural-steroid-injection"],
            patient_label=label,
        )
        consults.save(dataclasses.replace(consult, notes_html=sys.argv[3]))
    AccessService(stores.clinic).set_pin(sys.argv[4], sys.argv[4], clinician="Dr Old")
    stores.close()
    """
)


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True)


@pytest.fixture(scope="module")
def old_source(built_bundle: Path) -> Path:
    """The source tree at OLD_COMMIT (git archive, no worktree), kept in build/; only where
    a bundle of this version was built (the ordinary test run builds nothing)."""
    spec = hashlib.sha256((REPO / "packaging" / "pyinstaller" / "explorer.spec").read_bytes())
    cache = REPO / "build" / "update-test" / f"{OLD_COMMIT[:12]}-{spec.hexdigest()[:8]}"
    source = cache / "source"
    if (source / "pyproject.toml").is_file():
        return source
    if _git("cat-file", "-e", f"{OLD_COMMIT}^{{commit}}").returncode != 0:
        reason = f"commit {OLD_COMMIT[:12]} (version N) is not in this clone's history"
        if os.environ.get("EXPLORER_REQUIRE_BUNDLE"):
            pytest.fail(f"{reason}: fetch the full history (git fetch --unshallow)")
        pytest.skip(reason)
    for stale in cache.parent.glob(f"{OLD_COMMIT[:12]}-*"):  # built by an older spec
        shutil.rmtree(stale, ignore_errors=True)
    archive = _git("archive", "--format=tar", OLD_COMMIT)
    assert archive.returncode == 0, archive.stderr.decode()
    partial = cache / "source.partial"
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(partial, filter="data")
    partial.replace(source)
    return source


@pytest.fixture(scope="module")
def old_bundle(old_source: Path) -> Path:
    """Version N's bundle, built by today's packaging from N's source (cached)."""
    cache = old_source.parent
    bundle = cache / "dist" / NAME
    done = cache / "built"
    if not (done.exists() and (bundle / EXE).is_file()):
        package_script().build(cache / "dist", cache / "work", source=old_source)
        done.touch()
    return bundle


def _install(stage: Path, home: Path) -> Path:
    """Run ``stage/install.sh`` for ``home``; the installed program's folder."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        ["sh", str(stage / "install.sh")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    app = home / ".local" / "opt" / NAME
    assert (app / EXE).is_file()
    desktop = (home / ".local/share/applications" / f"{NAME}.desktop").read_text()
    assert f'Exec="{app / EXE}"' in desktop
    return app


def _stage_old(old_bundle: Path, stage: Path) -> Path:
    """Version N laid out as its tarball would be (today's install.sh and .desktop)."""
    shutil.copytree(old_bundle, stage / NAME, symlinks=True)
    for name in ("install.sh", f"{NAME}.desktop"):
        shutil.copy2(REPO / "packaging" / "linux" / name, stage / name)
    return stage


def _stage_new(built_bundle: Path, stage: Path) -> Path:
    """Version N+1: the tarball that the package command just made, unpacked."""
    version = package_script().version()
    archives = list(built_bundle.parent.glob(f"{NAME}-{version}-linux-*.tar.gz"))
    assert len(archives) == 1, f"no single {version} tarball beside {built_bundle}: {archives}"
    with tarfile.open(archives[0]) as tar:
        tar.extractall(stage, filter="tar")
    (top,) = stage.iterdir()
    return top


def test_update_keeps_consults_pin_and_settings(
    built_bundle: Path, old_source: Path, old_bundle: Path, tmp_path: Path
) -> None:
    home = tmp_path / "clinic user"
    data = data_folder(home)

    # Version N installed; its first start creates the data folder (knowledge at 0005).
    app = _install(_stage_old(old_bundle, tmp_path / "old"), home)
    for args in (["kb", "list"], ["audit"]):
        result = run_bundle(app, args, home)
        assert result.returncode == 0, result.stderr
    assert run_bundle(app, ["db", "info"], home).returncode == 2  # N has no `db` command
    made = subprocess.run(
        [sys.executable, "-c", MAKE_OLD_DATA, str(data), str(old_source), NOTE, PIN],
        env={**os.environ, "PYTHONPATH": str(old_source), "QT_QPA_PLATFORM": "offscreen"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    settings = home / ".config" / "SpineTreatmentExplorer" / "Spine Treatment Explorer.conf"
    settings.parent.mkdir(parents=True)
    settings.write_text("[explorer]\ncondition=sciatica\n")
    with sqlite3.connect(data / "knowledge.sqlite") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)

    # Version N+1 installed over it, then started: the window upgrades the data.
    app = _install(_stage_new(built_bundle, tmp_path / "new"), home)
    _painted, log = start_window(app, home)
    assert "Traceback" not in log and " ERROR " not in log, log
    assert "loading shipped knowledge base" in log, log  # the old layout, built anew

    info = run_bundle(app, ["db", "info"], home)
    assert info.returncode == 0, info.stderr
    assert f"knowledge schema: revision {KNOWLEDGE_HEAD}" in info.stdout, info.stdout
    assert "consults: 2" in info.stdout, info.stdout
    with sqlite3.connect(data / "clinic.sqlite") as db:
        rows = db.execute("SELECT patient_label, notes_html FROM consult ORDER BY id").fetchall()
    assert rows == [("Update test A", NOTE), ("Update test B", NOTE)]
    assert "condition=sciatica" in settings.read_text()
    # The PIN set in version N still opens version N+1 (whose code is this checkout's).
    from explorer.services.pin_service import AccessService
    from explorer.services.stores import open_stores
    from tests.engines import backend_of

    stores = open_stores(backend_of(data), refresh_shipped=False)
    try:
        assert AccessService(stores.clinic).check(PIN).ok
        assert not AccessService(stores.clinic).check("0000").ok
    finally:
        stores.close()
    reset = run_bundle(app, ["pin", "reset"], home)
    assert reset.returncode == 0, reset.stderr
    assert "The clinician PIN was removed" in reset.stdout


def test_uninstall_keeps_the_data(built_bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "clinic user"
    stage = _stage_new(built_bundle, tmp_path / "new")
    app = _install(stage, home)
    assert run_bundle(app, ["kb", "list"], home).returncode == 0
    removed = subprocess.run(
        ["sh", str(stage / "install.sh"), "--uninstall"],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert removed.returncode == 0, removed.stderr
    assert not app.exists()
    assert not (home / ".local/bin/explorer").exists()
    assert not (home / ".local/share/applications" / f"{NAME}.desktop").exists()
    assert (data_folder(home) / "knowledge.sqlite").is_file()
    assert str(data_folder(home)) in removed.stdout  # says where the data still is
