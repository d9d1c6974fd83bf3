"""Build the self-contained bundle for this OS, check it, and pack it (run by bootstrap.py).

    python3 .ci/bootstrap.py package            # build → dist/, then the bundle's tests
    python3 .ci/bootstrap.py package --no-test  # build and pack only
    python .ci/package.py --print-version       # the version in pyproject.toml

Output (see docs/install.md):
    dist/spine-treatment-explorer/                        the one-folder bundle (PyInstaller)
    dist/spine-treatment-explorer-VERSION-linux-x86_64.tar.gz   Linux: bundle, install.sh and
                                                                 the .desktop file
The Windows installer is made from dist/spine-treatment-explorer by Inno Setup
(packaging/windows/explorer.iss) in the Windows workflow; it cannot be compiled here.

Runs inside the project's virtual environment (the ``package`` extra: PyInstaller). The
bundle's tests (tests/packaging) are then run against the folder just built, with the
bundle in ``$EXPLORER_BUNDLE``.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "spine-treatment-explorer"
SPEC = ROOT / "packaging" / "pyinstaller" / "explorer.spec"
LINUX = ROOT / "packaging" / "linux"
# The unpacked bundle; measured 269 MB on Linux x86-64 (PySide6 6.11, Python 3.11). Qt with
# its ICU data is ~80 MB, numpy's OpenBLAS (for pyqtgraph) ~40 MB, Python itself ~40 MB.
SIZE_BUDGET_MB = 300


# Qt's X11 platform plugin links these; minimal Debian images lack them, and a bundle built
# without them cannot open a window on an X11 desktop that lacks them too. PyInstaller
# carries them into the bundle when they are on the build machine.
X11_LIBRARIES = {"libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1"}


def say(message: str) -> None:
    print(f"[package] {message}", file=sys.stderr, flush=True)


def version(root: Path = ROOT) -> str:
    with (root / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def ensure_x11_libraries() -> None:
    """Install Qt's X11 libraries on a Debian build machine where they are missing."""
    if not sys.platform.startswith("linux"):
        return
    known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    missing = [package for name, package in X11_LIBRARIES.items() if name not in known]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        say(f"{', '.join(missing)} missing: the bundle will need them on the PC (X11 only)")
        return
    say(f"installing {', '.join(missing)} (Debian) so that the bundle carries them")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    if subprocess.call(install, env=env, stdout=subprocess.DEVNULL) != 0:
        subprocess.call(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=True)


def build(dist: Path, work: Path, source: Path = ROOT) -> Path:
    """Run PyInstaller on ``source`` (a checkout); the bundle folder is returned."""
    ensure_x11_libraries()
    env = dict(os.environ, EXPLORER_SOURCE=str(source))
    env.pop("PYTHONPATH", None)
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return dist / NAME


def linux_archive(bundle: Path, dist: Path) -> Path:
    """The bundle with install.sh and the .desktop file, as one tarball."""
    machine = platform.machine().lower() or "unknown"
    top = f"{NAME}-{version()}-linux-{machine}"
    archive = dist / f"{top}.tar.gz"
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=f"{top}/{NAME}")
        tar.add(LINUX / "install.sh", arcname=f"{top}/install.sh")
        tar.add(LINUX / f"{NAME}.desktop", arcname=f"{top}/{NAME}.desktop")
    partial.replace(archive)  # never a half-written archive under the real name
    return archive


def main(argv: list[str]) -> int:
    if "--print-version" in argv:
        print(version())
        return 0
    dist, work = ROOT / "dist", ROOT / "build" / "pyinstaller"
    say(f"building the bundle of {NAME} {version()} with PyInstaller (one folder) → {dist}")
    start = time.perf_counter()
    bundle = build(dist, work)
    built = time.perf_counter() - start
    size = folder_size(bundle) / 1e6
    say(f"built {bundle} in {built:.0f} s: {size:.0f} MB unpacked (budget {SIZE_BUDGET_MB} MB)")
    if size > SIZE_BUDGET_MB:
        say(
            f"the bundle is {size:.0f} MB, over the budget of {SIZE_BUDGET_MB} MB: look for "
            "a dependency that came in (pyinstaller --log-level DEBUG lists them) or raise "
            "SIZE_BUDGET_MB in .ci/package.py with the reason"
        )
        return 1
    if sys.platform.startswith("linux"):
        archive = linux_archive(bundle, dist)
        say(f"packed {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    if "--no-test" in argv:
        return 0
    say("testing the bundle (tests/packaging)")
    start = time.perf_counter()
    env = dict(os.environ, EXPLORER_BUNDLE=str(bundle), EXPLORER_REQUIRE_BUNDLE="1")
    tests = [a for a in argv if not a.startswith("--no-")] or ["tests/packaging"]
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *tests]
    code = subprocess.call(command, cwd=ROOT, env=env)
    say(f"bundle tests took {time.perf_counter() - start:.0f} s")
    return code


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        say(f"{' '.join(map(str, exc.cmd[:4]))} … exited with {exc.returncode}")
        sys.exit(1)
