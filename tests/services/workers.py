"""A zygote for tests that run (and kill) many worker processes on one data folder.

Started once per test as ``python tests/services/workers.py``; it imports the application
(~1 s) but opens no database, then forks one worker per command read from standard input,
so a worker starts in milliseconds and 50 kills take seconds, not a minute. Every worker
opens the data folder itself after the fork, like a second window would.

Protocol, one line each way:

- in: ``{"workload": NAME, "data_dir": DIR, "args": {...}}`` -> out: ``pid PID``
- in: ``{"wait": PID}`` -> out: ``exit PID STATUS`` once that worker has ended; everything the
  worker wrote comes before this line
- out, from a worker: ``ack PID TEXT``: written only after the work it names is on disk

A workload is a function ``(data_dir, args, ack)`` in :data:`WORKLOADS`; add another (a
backup, say) by writing one and registering it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from explorer.services.consults import ConsultConflict, ConsultService
from explorer.services.stores import open_stores
from tests.engines import backend_of

Ack = Callable[[str], None]


def save_consult(data_dir: Path, args: dict[str, Any], ack: Ack) -> None:
    """Append ``word<N>`` to a consult's notes, one save per word, ``args["count"]`` times
    (forever when absent); a save refused as stale is read again and retried."""
    stores = open_stores(backend_of(data_dir))
    service = ConsultService(stores.clinic, clinician=args.get("clinician", "worker"))
    consult = service.get(int(args["consult"]))
    assert consult is not None
    prefix, number = str(args.get("prefix", "word")), int(args.get("start", 0))
    count = args.get("count")
    if "go_at" in args:  # several workers start saving at the same moment (wall clock)
        time.sleep(max(0.0, float(args["go_at"]) - time.time()))
    while count is None or number < int(args.get("start", 0)) + int(count):
        number += 1
        while True:
            try:
                consult = service.save(
                    replace(consult, notes_html=f"{consult.notes_html} {prefix}{number}")
                )
                break
            except ConsultConflict:
                if args.get("report_conflicts"):
                    ack(f"conflict:{prefix}{number}")
                fresh = service.get(consult.id)
                assert fresh is not None
                consult = fresh
        ack(f"{prefix}{number}")
    stores.close()


def start_consults(data_dir: Path, args: dict[str, Any], ack: Ack) -> None:
    """Start consults (a row and its audit row each), ``args["count"]`` of them."""
    stores = open_stores(backend_of(data_dir))
    service = ConsultService(stores.clinic, clinician="worker")
    for _ in range(int(args.get("count", 10))):
        consult = service.start(condition="sciatica", treatments=["tens"], patient_label="w")
        ack(str(consult.id))
    stores.close()


def open_consult(data_dir: Path, args: dict[str, Any], ack: Ack) -> None:
    """Open a consult (a read, then its audit row: a write) ``args["count"]`` times."""
    stores = open_stores(backend_of(data_dir))
    service = ConsultService(stores.clinic, clinician="worker")
    for number in range(int(args.get("count", 10))):
        service.open(int(args["consult"]))
        ack(str(number))
    stores.close()


def make_backups(data_dir: Path, args: dict[str, Any], ack: Ack) -> None:
    """Back up the clinic database (verified copy, then rotation), ``args["count"]`` times
    (forever when absent); acknowledges each backup's file name once it is in place."""
    from explorer.services.backup import make_backup

    count = args.get("count")
    done = 0
    while count is None or done < int(count):
        backup = make_backup(backend_of(data_dir), "manual")
        done += 1
        ack(backup.path.name)


WORKLOADS: dict[str, Callable[[Path, dict[str, Any], Ack], None]] = {
    "backup": make_backups,
    "save-consult": save_consult,
    "start-consults": start_consults,
    "open-consult": open_consult,
}


def _worker(command: dict[str, Any]) -> None:
    pid = os.getpid()

    def ack(text: str) -> None:
        os.write(1, f"ack {pid} {text}\n".encode())  # one write: whole lines, never split

    try:
        WORKLOADS[command["workload"]](Path(command["data_dir"]), command.get("args", {}), ack)
        code = 0
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
        os.write(1, f"error {pid} {type(exc).__name__}: {exc}\n".encode())
        code = 1
    os._exit(code)


class Zygote:
    """The test's end: start workers, kill them, collect what each acknowledged."""

    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        )
        self.acks: dict[int, list[str]] = {}
        self.errors: list[str] = []

    def _send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def _read_until(self, kind: str, pid: int | None = None) -> tuple[int, list[str]]:
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the zygote ended (exit {self.process.wait()})")
            word, who, *rest = line.rstrip("\n").split(" ", 2)
            if word == "ack":
                self.acks.setdefault(int(who), []).append(rest[0])
            elif word == "error":
                self.errors.append(f"worker {who}: {rest[0]}")
                if pid is not None and int(who) == pid and kind != "exit":
                    raise RuntimeError(self.errors[-1])
            if word == kind and (pid is None or int(who) == pid):
                return int(who), rest

    def start(self, workload: str, data_dir: Path, **args: Any) -> int:
        self._send({"workload": workload, "data_dir": str(data_dir), "args": args})
        return self._read_until("pid")[0]

    def first_ack(self, pid: int) -> str:
        """Wait until worker ``pid`` acknowledged something (or ended)."""
        while not self.acks.get(pid):
            self._read_until("ack", pid)
        return self.acks[pid][0]

    def wait(self, pid: int) -> int:
        """Wait for worker ``pid`` to end; returns its wait status."""
        self._send({"wait": pid})
        return int(self._read_until("exit", pid)[1][0])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _say(line: str) -> None:
    """One write per line, like the workers' acks: the pipe is shared with them, and a
    buffered print could be split around a worker's line."""
    os.write(1, f"{line}\n".encode())


def main() -> None:
    for line in sys.stdin:
        command = json.loads(line)
        if "wait" in command:
            pid, status = os.waitpid(int(command["wait"]), 0)
            _say(f"exit {pid} {status}")
            continue
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _worker(command)
        _say(f"pid {pid}")


if __name__ == "__main__":
    main()
