"""The built bundle runs on a PC without Python: command line, PDF export, database, window.

Each test starts the bundle's own executable from a folder with spaces in its path, in an
environment holding only HOME and QT_QPA_PLATFORM=offscreen (tests/packaging/conftest.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.packaging.conftest import (
    EXE,
    bare_env,
    data_folder,
    package_script,
    run_bundle,
    start_window,
)

PYTHONS = ("python", "python3", "python3.11", "python.exe", "pythonw.exe")


def test_no_python_is_reachable_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    env = bare_env(tmp_path / "home")
    for name in PYTHONS:
        assert shutil.which(name, path=env.get("PATH", "")) is None
        assert not (bundle / name).exists(), f"{name} inside the bundle"
    assert "PYTHONPATH" not in env and "VIRTUAL_ENV" not in env


def test_version_is_the_projects(bundle: Path, tmp_path: Path) -> None:
    result = run_bundle(bundle, ["--version"], tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"explorer {package_script().version()}"


def test_kb_list_json_from_an_empty_environment(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_bundle(bundle, ["kb", "list", "--json"], home)
    assert result.returncode == 0, result.stderr
    treatments = json.loads(result.stdout)
    slugs = {t["slug"] for t in treatments}
    assert {"exercise-therapy", "epidural-steroid-injection"} <= slugs
    # Nothing on stderr: no warning about the "C" locale (the bundle's runtime hook), no
    # traceback. The knowledge base was built in the per-user data folder.
    assert result.stderr == ""
    assert (data_folder(home) / "knowledge.sqlite").is_file()


def test_export_writes_a_pdf_that_reads_back(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = home / "exports with spaces" / "comparison.pdf"
    out.parent.mkdir(parents=True)
    treatments = "exercise-therapy,epidural-steroid-injection"
    for variant, extra in (("clinician", ["--pdfa"]), ("patient", [])):
        args = ["export", "--condition", "sciatica", "--treatments", treatments]
        result = run_bundle(bundle, [*args, "--variant", variant, *extra, "--out", str(out)], home)
        assert result.returncode == 0, result.stderr
        assert f"wrote {out}" in result.stdout
        reader = PdfReader(out)
        text = "".join(page.extract_text() for page in reader.pages)
        assert len(reader.pages) >= 2
        assert "Epidural" in text and "xercise" in text, text[:500]


def test_db_info_on_the_data_folder(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_bundle(bundle, ["db", "info"], home)
    assert result.returncode == 0, result.stderr
    assert f"SQLite files in {data_folder(home)}" in result.stdout
    assert "clinic schema: revision c" in result.stdout


def test_db_info_on_a_postgresql_server(bundle: Path, tmp_path: Path) -> None:
    """psycopg's binary implementation and its libpq are in the bundle, and so is the
    keyring: the bundle migrates and reads a real server (the test server of the run)."""
    base = os.environ.get("EXPLORER_TEST_POSTGRES_URL", "")
    if not base:
        if os.environ.get("CI") and sys.platform.startswith("linux"):  # .ci/postgres.py
            pytest.fail("CI must check the bundle on PostgreSQL, but no test server runs")
        pytest.skip("no PostgreSQL test server (python3 .ci/bootstrap.py package starts one)")
    import psycopg

    name = f"bundle_{uuid.uuid4().hex[:8]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    try:
        url = admin.rsplit("/", 1)[0] + "/" + name
        result = run_bundle(bundle, ["db", "info", "--database-url", url], tmp_path / "home")
        assert result.returncode == 0, result.stderr
        assert "PostgreSQL" in result.stdout and "clinic schema: revision c" in result.stdout
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


def test_a_server_that_cannot_be_reached_is_named(bundle: Path, tmp_path: Path) -> None:
    result = run_bundle(
        bundle, ["db", "info", "--database-url", "postgresql://nobody@127.0.0.1:9/x"], tmp_path
    )
    assert result.returncode == 3
    assert "could not be used" in result.stderr and "127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_window_paints_and_opens_the_data(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    painted, log = start_window(bundle, home)
    assert 0 < painted < 30
    assert "Traceback" not in log and " ERROR " not in log, log
    assert (data_folder(home) / "clinic.sqlite").is_file()  # the window opened the data


def test_bundle_size_within_budget(built_bundle: Path) -> None:
    package = package_script()
    size = package.folder_size(built_bundle) / 1e6
    print(f"\n[package] bundle size {size:.0f} MB (budget {package.SIZE_BUDGET_MB} MB)")
    assert size <= package.SIZE_BUDGET_MB
    # Only the Qt modules the application uses: no QtWebEngine, QML or Quick.
    internal = "\n".join(str(p.relative_to(built_bundle)) for p in built_bundle.rglob("*"))
    for unwanted in ("WebEngine", "Qt6Quick", "Qt6Qml."):
        assert unwanted not in internal, unwanted
    # Nor the documentation's screenshots (docs/images), nor resources/ (nothing loads it).
    screenshots = (Path(__file__).parents[2] / "docs" / "images").glob("*.png")
    names = {p.name for p in built_bundle.rglob("*")}
    assert not names & {p.name for p in screenshots}
    assert not (built_bundle / "_internal" / "explorer" / "_shipped" / "resources").exists()
    # Nor test tools that happen to be in the build environment.
    packages = {p.name for p in (built_bundle / "_internal").iterdir()}
    assert not packages & {"hypothesis", "pytest", "mypy", "rich", "pygments"}


@pytest.mark.skipif(sys.platform == "win32", reason="the executable bit is POSIX")
def test_executable(built_bundle: Path) -> None:
    assert os.access(built_bundle / EXE, os.X_OK)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
def test_qt_x11_libraries_travel_with_the_bundle(built_bundle: Path) -> None:
    """Qt's xcb plugin links libxcb-icccm and libxcb-keysyms, which desktops without other
    Qt programs may lack: the bundle carries them (.ci/package.py installs them to build)."""
    for name in package_script().X11_LIBRARIES:
        assert (built_bundle / "_internal" / name).is_file(), name
