"""A private PostgreSQL server on loopback for the test suite (standard library only).

``bootstrap.py test`` calls :func:`test_server`: Debian's ``postgresql`` package is
installed when missing (as root: ``apt-get update`` + ``apt-get install -y``), a throw-away
cluster is made in a temporary folder (``initdb`` as the ``postgres`` OS user when running
as root, since PostgreSQL refuses to run as root), started on 127.0.0.1 at a free port with
``fsync=off`` (test data need not survive a power cut), and stopped afterwards. The tests
find it in ``$EXPLORER_TEST_POSTGRES_URL``; when no server can be had, the reason is in
``$EXPLORER_TEST_POSTGRES_SKIP`` (and printed), and CI (``CI`` set) fails instead.

The superuser ``postgres`` logs in without a password (``trust``, for the fixtures), but
one role, ``explorer_clinic`` (``$EXPLORER_TEST_POSTGRES_LOGIN_ROLE``), must give its
password (``scram-sha-256``): the tests create it as docs/several-pcs.md tells a clinic's
IT person to, and log in with the password from a pgpass file or the keyring.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

URL_ENV = "EXPLORER_TEST_POSTGRES_URL"
SKIP_ENV = "EXPLORER_TEST_POSTGRES_SKIP"
LOGIN_ROLE_ENV = "EXPLORER_TEST_POSTGRES_LOGIN_ROLE"
LOGIN_ROLE = "explorer_clinic"


def say(message: str) -> None:
    print(f"[postgres] {message}", file=sys.stderr, flush=True)


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _install() -> str | None:
    """Install Debian's postgresql; None when done, else why not."""
    if not sys.platform.startswith("linux"):
        return f"no PostgreSQL server binaries found (installed only on Linux, not {sys.platform})"
    if shutil.which("apt-get") is None:
        return "no PostgreSQL server binaries found and no apt-get to install them"
    if os.geteuid() != 0:
        return "no PostgreSQL server binaries found; installing them (apt-get) needs root"
    say("installing Debian's postgresql package (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    if subprocess.call(["apt-get", "update", "-q"], **quiet) != 0:  # type: ignore[call-overload]
        return "apt-get update failed"
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]
    if subprocess.call(command, **quiet) != 0:  # type: ignore[call-overload]
        return "apt-get install postgresql failed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def test_server() -> Iterator[dict[str, str]]:
    """Environment variables for the tests: the server's URL, or the reason there is none."""
    bindir = _bin_dir()
    if bindir is None:
        problem = _install()
        bindir = _bin_dir()
        if bindir is None:
            yield _skipped(problem or "postgresql was installed but initdb was not found")
            return
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            yield _skipped("running as root and there is no 'postgres' OS user to run the server")
            return
    folder = Path(tempfile.mkdtemp(prefix="explorer-pg-"))
    cluster = folder / "cluster"
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        folder.chmod(0o700)
        port = _free_port()
        log = folder / "server.log"
        initdb = [str(bindir / "initdb"), "-D", str(cluster), "-U", "postgres"]
        initdb += ["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]
        result = subprocess.run(_as_owner(initdb), capture_output=True, text=True)
        if result.returncode != 0:
            yield _skipped(f"initdb failed: {result.stderr.strip()[-500:]}")
            return
        _require_password(cluster / "pg_hba.conf", LOGIN_ROLE)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c password_encryption=scram-sha-256"
        )
        start = [str(bindir / "pg_ctl"), "-D", str(cluster), "-l", str(log), "-o", options]
        result = subprocess.run(
            _as_owner([*start, "-w", "-t", "60", "start"]), capture_output=True, text=True
        )
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-800:] if log.exists() else result.stderr
            yield _skipped(f"the PostgreSQL server did not start: {tail.strip()}")
            return
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        say(f"test server running: {url} (cluster in {cluster})")
        try:
            yield {URL_ENV: url, LOGIN_ROLE_ENV: LOGIN_ROLE}
        finally:
            stop = [str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "-w", "stop"]
            subprocess.run(_as_owner(stop), capture_output=True)
            say("test server stopped")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _require_password(hba: Path, role: str) -> None:
    """Make ``role`` give its password over TCP on loopback: a line before initdb's ``trust``
    lines (pg_hba.conf is first match), so ``postgres`` keeps logging in without one."""
    rule = (
        "# explorer tests: the clinic's login role gives its password (.ci/postgres.py)\n"
        f"host    all    {role}    127.0.0.1/32    scram-sha-256\n\n"
    )
    hba.write_text(rule + hba.read_text())  # the file keeps its owner (postgres when root)


def _skipped(reason: str) -> dict[str, str]:
    say(f"no PostgreSQL test server: {reason}; the PostgreSQL tests will be skipped")
    return {SKIP_ENV: reason}
