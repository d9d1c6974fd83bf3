"""The built bundle (``python3 .ci/bootstrap.py package`` sets ``$EXPLORER_BUNDLE``).

The bundle is started as a clinic PC would start it: an environment that is empty apart
from the home folder and the offscreen Qt platform (on Windows, the few variables Windows
itself needs), so no Python, virtual environment or source tree can be reached.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
WINDOWS = sys.platform == "win32"
EXE = "explorer.exe" if WINDOWS else "explorer"
# Variables without which Windows programs do not start or find no profile folder.
WINDOWS_VARIABLES = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "TEMP", "TMP", "COMSPEC")


def package_script() -> ModuleType:
    """.ci/package.py as a module (its version(), size budget and build())."""
    spec = importlib.util.spec_from_file_location("package", REPO / ".ci" / "package.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def built_bundle() -> Path:
    """The bundle folder that was just built; the tests skip without one, except where the
    package command runs them (``$EXPLORER_REQUIRE_BUNDLE``), where they fail."""
    folder = os.environ.get("EXPLORER_BUNDLE", "")
    if not folder:
        reason = "no bundle built (run: python3 .ci/bootstrap.py package)"
        if os.environ.get("EXPLORER_REQUIRE_BUNDLE"):
            pytest.fail(reason)
        pytest.skip(reason)
    path = Path(folder)
    assert (path / EXE).is_file(), f"{path / EXE} is missing: the build did not finish"
    return path


@pytest.fixture(scope="session")
def bundle(built_bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundle in a folder whose path has spaces (as "Program Files" has)."""
    target = tmp_path_factory.mktemp("install") / "Spine Treatment Explorer (test)"
    shutil.copytree(built_bundle, target, symlinks=True)
    return target


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment with nothing but the home folder and the offscreen platform."""
    home.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    if WINDOWS:
        env |= {k: os.environ[k] for k in WINDOWS_VARIABLES if k in os.environ}
        local = str(home / "AppData" / "Local")
        env |= {
            "USERPROFILE": str(home),
            "LOCALAPPDATA": local,
            "APPDATA": str(home / "AppData" / "Roaming"),
            # platformdirs asks Windows for the folder, not the variable; this is its
            # documented override, so each test has a data folder of its own.
            "WIN_PD_OVERRIDE_LOCAL_APPDATA": local,
        }
    return env | extra


def data_folder(home: Path) -> Path:
    """Where the bundle keeps its data for ``home`` (platformdirs' per-user data folder)."""
    if WINDOWS:
        return home / "AppData" / "Local" / "SpineTreatmentExplorer"
    return home / ".local" / "share" / "SpineTreatmentExplorer"


def run_bundle(
    folder: Path, args: list[str], home: Path, *, timeout: float = 120, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(folder / EXE), *args],
        env=bare_env(home, **extra),
        cwd=home,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def start_window(folder: Path, home: Path, *, timeout: float = 60) -> tuple[float, str]:
    """Start the bundle's window, wait for its first paint, stop it: (seconds, its log)."""
    return start_and_stop([str(folder / EXE)], bare_env(home), home, timeout=timeout)


def start_and_stop(
    command: list[str], env: dict[str, str], home: Path, *, timeout: float = 60, settle: bool = True
) -> tuple[float, str]:
    """Start the window, wait for its first paint, stop it; (seconds to paint, its log).

    The first paint is seen from outside: right after it the window creates its log folder
    (explorer/ui/window/app.py, ``after_first_paint``); the folder's time of creation is taken.
    With ``settle``, the window then opens the data (migrating it if needed) and the log is
    read once it has not grown for a second and a half; then the process is ended.
    """
    logs = data_folder(home) / "logs"
    assert not logs.exists(), f"{logs} exists before the start: not a first start"
    started = time.time()
    process = subprocess.Popen(
        command, env=env, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    log = logs / "explorer.log"
    try:
        deadline = time.monotonic() + timeout
        while not logs.exists():
            assert process.poll() is None, (
                f"the window ended before its first paint (exit {process.returncode}):\n"
                + process.communicate()[1]
            )
            assert time.monotonic() < deadline, f"no first paint within {timeout} s"
            time.sleep(0.002)
        painted = logs.stat().st_mtime - started
        size, still = -1, 0.0
        while settle and still < 1.5 and time.monotonic() < deadline and process.poll() is None:
            now = log.stat().st_size if log.exists() else 0
            still = still + 0.1 if now == size else 0.0
            size = now
            time.sleep(0.1)
        assert process.poll() is None, f"the window ended (exit {process.returncode})"
    finally:
        process.kill()
        _out, err = process.communicate()
    return painted, (log.read_text(encoding="utf-8") if log.exists() else "") + err
