"""The Windows installer script and its workflow, checked as far as Linux allows.

Inno Setup cannot compile here and the workflow runs on GitHub's Windows runners only
(docs/install.md); these tests parse the script for what the clinics and their IT need,
and validate the workflow against the GitHub workflow schema that check-jsonschema ships.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO, package_script

ISS = REPO / "packaging" / "windows" / "explorer.iss"
WORKFLOW = REPO / ".github" / "workflows" / "windows-installer.yml"


def _sections(text: str) -> dict[str, list[str]]:
    """The script's sections: their lines without comments and blank lines ([Code] raw)."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            sections.setdefault(current, [])
        elif current == "Code":
            sections[current].append(raw)
        elif line and not line.startswith(";") and current:
            sections[current].append(line)
    return sections


def _entries(lines: list[str]) -> list[dict[str, str]]:
    """``Name: "x"; Flags: y`` lines as dictionaries."""
    entries = []
    for line in lines:
        parts = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
        entries.append({k: v.strip().strip('"') for k, v in parts})
    return entries


@pytest.fixture(scope="module")
def iss() -> dict[str, list[str]]:
    return _sections(ISS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def setup(iss: dict[str, list[str]]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in iss["Setup"])


def test_installs_per_user_without_administrator_rights(setup: dict[str, str]) -> None:
    assert setup["PrivilegesRequired"] == "lowest"
    # {autopf} is the user's programs folder (%LOCALAPPDATA%\Programs) in a per-user
    # install; an override to a machine-wide install is allowed only when asked for.
    assert setup["DefaultDirName"].startswith(("{autopf}", "{userpf}"))
    assert setup["PrivilegesRequiredOverridesAllowed"] in {"commandline", "dialog"}
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"]), "a fixed AppId: updates"


def test_version_comes_from_pyproject(setup: dict[str, str]) -> None:
    text = ISS.read_text(encoding="utf-8")
    assert setup["AppVersion"] == "{#AppVersion}"
    assert "#ifndef AppVersion" in text and "#error" in text  # never a made-up version
    workflow = WORKFLOW.read_text(encoding="utf-8")
    assert "python .ci/package.py --print-version" in workflow
    assert '"/DAppVersion=$version"' in workflow
    printed = subprocess.run(
        [sys.executable, str(REPO / ".ci" / "package.py"), "--print-version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert printed.stdout.strip() == package_script().version()


def test_start_menu_entry_opens_the_window(iss: dict[str, list[str]]) -> None:
    icons = _entries(iss["Icons"])
    start_menu = [i for i in icons if i["Name"].startswith("{group}")]
    assert start_menu and start_menu[0]["Filename"] == r"{app}\explorer-gui.exe"


def test_bundle_and_command_line_are_installed(iss: dict[str, list[str]]) -> None:
    files = _entries(iss["Files"])
    bundle = next(f for f in files if f["Source"].endswith(r"\*"))
    assert "recursesubdirs" in bundle["Flags"] and bundle["DestDir"] == "{app}"
    assert any(f["Source"] == "spine-explorer.cmd" for f in files)
    path = _entries(iss["Registry"])[0]
    assert path["Root"] == "HKCU" and path["ValueName"] == "Path" and "{app}" in path["ValueData"]
    shim = (ISS.parent / "spine-explorer.cmd").read_text(encoding="utf-8")
    assert '"%~dp0explorer.exe" %*' in shim and "exit /b %ERRORLEVEL%" in shim


def test_updates_and_uninstall_keep_the_data(iss: dict[str, list[str]]) -> None:
    # An update replaces the program folder only; nothing of the data folder is listed
    # as the installer's (so the uninstaller never removes it by itself).
    deleted = _entries(iss["InstallDelete"]) + _entries(iss.get("UninstallDelete", []))
    assert [d["Name"] for d in deleted] == [r"{app}\_internal"]
    text = ISS.read_text(encoding="utf-8")
    outside_code = text.split("[Code]")[0]
    assert "SpineTreatmentExplorer" not in "".join(
        line for line in outside_code.splitlines() if not line.lstrip().startswith((";", "#"))
    )
    code = "\n".join(iss["Code"])
    # The data folder is deleted only when asked: a question answered "No" by default,
    # or /DELETEDATA=yes on a silent uninstall.
    assert "MB_DEFBUTTON2" in code and "IDYES" in code
    assert "{param:DELETEDATA|no}" in code and "UninstallSilent()" in code
    assert re.search(r"if DeleteDataRequested\(\) then\s+begin\s+DelTree", code)
    assert '#define DataFolder "{localappdata}\\SpineTreatmentExplorer"' in text


def test_the_data_folder_is_where_the_program_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installer's {localappdata}\\SpineTreatmentExplorer is the program's data folder
    on Windows (platformdirs, not roaming)."""
    import platformdirs

    from explorer.paths import APP_NAME, resolve_data_dir

    monkeypatch.delenv("EXPLORER_DATA_DIR", raising=False)
    seen = {}

    def user_data_dir(name: str, appauthor: object = None, roaming: bool = True) -> str:
        seen.update(name=name, appauthor=appauthor, roaming=roaming)
        return "/x"

    monkeypatch.setattr(platformdirs, "user_data_dir", user_data_dir)
    resolve_data_dir()
    assert seen == {"name": "SpineTreatmentExplorer", "appauthor": False, "roaming": False}
    assert APP_NAME == "SpineTreatmentExplorer"


def test_workflow_is_a_valid_github_workflow() -> None:
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if checker is None:
        pytest.skip("check-jsonschema is not installed (python3 .ci/bootstrap.py package)")
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_builds_tests_and_installs_on_windows() -> None:
    yaml = pytest.importorskip("ruamel.yaml", reason="comes with check-jsonschema")
    workflow = yaml.YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "windows-latest"
    runs = [step.get("run", "") for step in job["steps"]]
    assert "python .ci/bootstrap.py package" in runs  # builds the bundle, runs its tests
    assert any("ISCC.exe" in r and "explorer.iss" in r for r in runs)
    assert any("check_installer.py" in r for r in runs)
    checker = (REPO / "packaging" / "windows" / "check_installer.py").read_text(encoding="utf-8")
    for flag in ("/VERYSILENT", "/CURRENTUSER", "/DELETEDATA=yes"):
        assert flag in checker
    compile(checker, "check_installer.py", "exec")  # at least valid Python here


def _iscc() -> list[str]:
    """Inno Setup's compiler under Wine, where a developer set one up (docs/install.md)."""
    iscc = os.environ.get("EXPLORER_ISCC", "")
    wine = shutil.which("wine")
    if not (iscc and Path(iscc).is_file() and wine):
        pytest.skip("no Inno Setup compiler under Wine ($EXPLORER_ISCC, docs/install.md)")
    return [wine, iscc]


def _windows_path(path: Path) -> str:
    return "Z:" + str(path).replace("/", "\\")


def test_iss_compiles_with_inno_setup_under_wine() -> None:
    env = dict(os.environ, WINEDEBUG="-all")
    version = package_script().version()
    script = _windows_path(ISS)
    compiled = subprocess.run(
        [*_iscc(), "/O-", f"/DAppVersion={version}", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert compiled.returncode == 0, compiled.stdout[-3000:] + compiled.stderr[-2000:]
    assert "Successful compile" in compiled.stdout
    unversioned = subprocess.run(
        [*_iscc(), "/O-", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert unversioned.returncode != 0
    assert "Pass the version from pyproject.toml" in unversioned.stdout + unversioned.stderr
