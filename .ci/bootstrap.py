#!/usr/bin/env python3
"""Set everything up, then run the application, the tests or the benchmarks.

    python3 .ci/bootstrap.py run  [explorer arguments…]   # the application
    python3 .ci/bootstrap.py test [pytest arguments…]     # lint, layer contracts, whole test suite
    python3 .ci/bootstrap.py bench [pytest arguments…]    # benchmarks (tests/benchmarks)
    python3 .ci/bootstrap.py package [--no-test]          # the self-contained bundle → dist/

Standard library only: it runs on a fresh machine with nothing but Python 3.11+ and
pip. It creates ``.venv`` beside the project (or $EXPLORER_VENV), installs the
project into it when pyproject.toml changed since the last install, and runs the
command there. Everything the tests need is installed from PyPI by this script.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("EXPLORER_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(message: str) -> None:
    # stderr, so that `bootstrap.py run kb list --json | …` pipes clean JSON
    print(f"[bootstrap] {message}", file=sys.stderr, flush=True)


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before any check
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        say(f"creating virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    spec = f".[{extras}]" if extras else "."
    stamp = VENV / ".explorer-installed"
    project = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed = stamp.read_text().split() if stamp.exists() else []
    # "project-hash:extras" per install; the test extras include everything `run` needs,
    # the package extras everything `test` needs.
    enough = {"": {"", "test", "package"}, "test": {"test", "package"}}.get(extras, {extras})
    if any(f"{project}:{e}" in installed for e in enough):
        return
    say(f"installing {spec} into {VENV} (first run, or pyproject.toml changed)")
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    if subprocess.call([*pip, "install", "--upgrade", "pip"]) != 0:
        say("could not upgrade pip; continuing with the one in the environment")
    subprocess.run([*pip, "install", "--editable", spec], cwd=ROOT, check=True)
    stamp.write_text("\n".join([*installed, f"{project}:{extras}"]) + "\n")


def run_app(args: list[str]) -> int:
    ensure_environment("")
    env = dict(os.environ)
    headless = sys.platform.startswith("linux") and not (
        env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    )
    if headless and "QT_QPA_PLATFORM" not in env:
        env["QT_QPA_PLATFORM"] = "offscreen"
    if headless and "kb" not in args and "QT_QPA_PLATFORM" not in os.environ:
        say(
            "no display found: starting on Qt's offscreen platform (nothing will be visible; "
            "press Ctrl+C to stop)"
        )
    return subprocess.call([str(PYTHON), "-m", "explorer", *args], cwd=ROOT, env=env)


def test_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("EXPLORER_DATA_DIR", None)
    env.pop("EXPLORER_DATABASE_URL", None)  # the tests choose their database themselves
    return env


def run_tests(args: list[str]) -> int:
    ensure_environment("test")
    env = test_env()
    checks = [
        ("ruff check", [str(BIN / "ruff"), "check", "explorer", "tests", "db", ".ci"]),
        (
            "ruff format --check",
            [str(BIN / "ruff"), "format", "--check", "explorer", "tests", "db", ".ci"],
        ),
        ("import contracts", [str(BIN / "lint-imports")]),
        ("mypy (domain, data, services)", [str(BIN / "mypy")]),
    ]
    for name, command in checks:
        say(name)
        if subprocess.call(command, cwd=ROOT, env=env) != 0:
            say(f"{name} failed")
            return 1
    sys.path.insert(0, str(ROOT / ".ci"))
    from postgres import test_server  # the private PostgreSQL server of the test run

    with test_server() as server:
        say("pytest")
        return subprocess.call([str(PYTHON), "-m", "pytest", *args], cwd=ROOT, env=env | server)


def run_benchmarks(args: list[str]) -> int:
    ensure_environment("test")
    sys.path.insert(0, str(ROOT / ".ci"))
    from postgres import test_server

    command = [
        str(PYTHON),
        "-m",
        "pytest",
        "tests/benchmarks",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-s",
        *args,
    ]
    with test_server() as server:
        return subprocess.call(command, cwd=ROOT, env=test_env() | server)


def run_package(args: list[str]) -> int:
    """Build the bundle with PyInstaller, pack it and test it (.ci/package.py)."""
    ensure_environment("package")
    command = [str(PYTHON), str(ROOT / ".ci" / "package.py"), *args]
    if not sys.platform.startswith("linux"):  # .ci/postgres.py runs a server on Linux only
        return subprocess.call(command, cwd=ROOT, env=test_env())
    sys.path.insert(0, str(ROOT / ".ci"))
    from postgres import test_server  # the bundle's PostgreSQL check connects to it

    with test_server() as server:
        return subprocess.call(command, cwd=ROOT, env=test_env() | server)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test", "bench", "package"}:
        print(__doc__)
        return 2
    mode, rest = sys.argv[1], sys.argv[2:]
    try:
        if mode == "run":
            return run_app(rest)
        if mode == "test":
            return run_tests(rest)
        if mode == "package":
            return run_package(rest)
        return run_benchmarks(rest)
    except subprocess.CalledProcessError as exc:
        say(f"setup failed: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
