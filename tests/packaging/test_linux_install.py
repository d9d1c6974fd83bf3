"""install.sh and the .desktop entry, with a stand-in program (no bundle needed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux installer")

NAME = "spine-treatment-explorer"
LINUX = REPO / "packaging" / "linux"


def _validate(desktop: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate not installed (Debian: desktop-file-utils)")
    result = subprocess.run([validator, str(desktop)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def _stage(tmp_path: Path) -> Path:
    stage = tmp_path / "unpacked"
    (stage / NAME).mkdir(parents=True)
    program = stage / NAME / "explorer"
    program.write_text("#!/bin/sh\necho stand-in\n")
    program.chmod(0o755)
    for name in ("install.sh", f"{NAME}.desktop"):
        shutil.copy2(LINUX / name, stage / name)
    return stage


def test_desktop_entry_is_valid() -> None:
    _validate(LINUX / f"{NAME}.desktop")


def test_menu_entry_runs_the_installed_program_from_an_odd_home(tmp_path: Path) -> None:
    home = tmp_path / 'Dr "Smith" & $partner | clinic'
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        ["sh", str(_stage(tmp_path) / "install.sh")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    desktop = home / ".local/share/applications" / f"{NAME}.desktop"
    _validate(desktop)
    (exec_line,) = [x for x in desktop.read_text().splitlines() if x.startswith("Exec=")]
    program = home / ".local/opt" / NAME / "explorer"
    quoted = str(program).replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    assert exec_line == f'Exec="{quoted}"'
    linked = home / ".local/bin/explorer"
    assert subprocess.run([str(linked)], capture_output=True, text=True).stdout == "stand-in\n"


def test_install_refuses_a_partial_unpack(tmp_path: Path) -> None:
    stage = _stage(tmp_path)
    (stage / NAME / "explorer").unlink()
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        ["sh", str(stage / "install.sh")],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "unpack the whole archive" in result.stderr
    assert not (home / ".local/opt" / NAME).exists()
