"""Check the Windows installer as IT would use it (run by the Windows workflow).

    python packaging\\windows\\check_installer.py dist\\spine-treatment-explorer-…-setup.exe

1. silent per-user install (/VERYSILENT /CURRENTUSER): program in the user's programs
   folder, Start-menu entry, the command line on the user's PATH;
2. the installed explorer.exe and spine-explorer.cmd work (kb list, export, db info, audit);
3. the same installer again over it (an update): the data folder is untouched;
4. silent uninstall: the program is gone, the data folder is kept;
5. install and uninstall with /DELETEDATA=yes: the data folder is removed.
Exits non-zero with the reason at the first failure; the installers' logs are left in dist/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import winreg  # type: ignore[import-not-found,unused-ignore]
from pathlib import Path

NAME = "Spine Treatment Explorer"
LOCAL = Path(os.environ["LOCALAPPDATA"])
APP = LOCAL / "Programs" / NAME
DATA = LOCAL / "SpineTreatmentExplorer"
START_MENU = Path(os.environ["APPDATA"]) / "Microsoft" / "Windows" / "Start Menu" / "Programs"
LOGS = Path("dist").resolve()  # the installers want absolute log paths


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"check_installer: FAILED: {message}")
    print(f"ok: {message}", flush=True)


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)  # type: ignore[call-overload,no-any-return]


def install(setup: Path, log: str) -> None:
    silent = ["/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER"]
    result = run([str(setup), *silent, f"/LOG={LOGS / log}"])
    check(result.returncode == 0, f"silent install exited {result.returncode} (log: {log})")


def uninstall(log: str, *extra: str) -> None:
    uninstaller = APP / "unins000.exe"
    check(uninstaller.is_file(), f"{uninstaller} exists")
    result = run(
        [str(uninstaller), "/VERYSILENT", "/SUPPRESSMSGBOXES", f"/LOG={LOGS / log}", *extra]
    )
    check(result.returncode == 0, f"silent uninstall exited {result.returncode}")
    # The uninstaller hands over to a copy of itself and returns at once: wait for it.
    deadline = time.monotonic() + 120
    while uninstaller.exists() and time.monotonic() < deadline:
        time.sleep(1)
    check(not uninstaller.exists(), "the uninstaller finished within 2 minutes")


def user_path() -> str:
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, "Environment") as key:
        try:
            return str(winreg.QueryValueEx(key, "Path")[0])
        except FileNotFoundError:
            return ""


def use_the_program(exports: Path) -> None:
    exe = str(APP / "explorer.exe")
    listed = run([exe, "kb", "list", "--json"])
    check(listed.returncode == 0 and len(json.loads(listed.stdout)) > 5, "explorer kb list --json")
    pdf = exports / "comparison.pdf"
    treatments = "exercise-therapy,epidural-steroid-injection"
    export = run(
        [exe, "export", "--condition", "sciatica", "--treatments", treatments, "--out", str(pdf)]
    )
    check(export.returncode == 0 and pdf.read_bytes().startswith(b"%PDF"), "explorer export")
    audit = run([exe, "audit", "--out", str(exports / "audit.csv")])
    check(audit.returncode == 0, "explorer audit (writes an audit event in the clinic database)")
    shim = run(["cmd", "/c", str(APP / "spine-explorer.cmd"), "db", "info"])
    check(shim.returncode == 0 and "clinic schema" in shim.stdout, "spine-explorer.cmd db info")


def main(setup: Path) -> int:
    check(setup.is_file(), f"the installer {setup} was built")
    exports = Path(os.environ.get("RUNNER_TEMP", LOCAL)) / "explorer exports"
    exports.mkdir(parents=True, exist_ok=True)

    install(setup, "install-1.log")
    check((APP / "explorer.exe").is_file(), f"explorer.exe in {APP} (per user, no admin)")
    check((APP / "explorer-gui.exe").is_file(), "explorer-gui.exe (the window, no console)")
    links = list(START_MENU.rglob(f"{NAME}.lnk"))
    check(bool(links), f"a Start-menu entry under {START_MENU}")
    check(str(APP).lower() in user_path().lower(), "the program folder is on the user's PATH")
    use_the_program(exports)
    marker = DATA / "kept-by-updates.txt"
    marker.write_text("data of the clinic", encoding="utf-8")
    clinic = (DATA / "clinic.sqlite").read_bytes()

    install(setup, "install-2-over.log")
    check(marker.is_file(), "installing over it keeps the data folder")
    check((DATA / "clinic.sqlite").read_bytes() == clinic, "the clinic database is untouched")
    use_the_program(exports)

    uninstall("uninstall-1.log")
    check(not (APP / "explorer.exe").exists(), "uninstall removes the program")
    check(marker.is_file() and (DATA / "clinic.sqlite").is_file(), "uninstall keeps the data")
    check(str(APP).lower() not in user_path().lower(), "uninstall takes the folder off PATH")

    install(setup, "install-3.log")
    uninstall("uninstall-2-deletedata.log", "/DELETEDATA=yes")
    check(not DATA.exists(), "uninstall with /DELETEDATA=yes removes the data folder")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
