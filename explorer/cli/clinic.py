"""``explorer pin reset`` and ``explorer audit``: the clinic database from the command line.

For the clinic's IT person: a forgotten clinician PIN is removed (the next start of the
window asks for a new one; the reset itself is audited), and the audit log is printed or
written as CSV. Both act on the data folder of the current user, who can read that folder
anyway: the PIN guards the window, not the files (see docs/privacy.md).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.store.backend import Backend

EXIT_OK = 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    pin = commands.add_parser("pin", parents=[common], help="the clinician PIN")
    pin_commands = pin.add_subparsers(dest="pin_command", metavar="PIN_COMMAND", required=True)
    pin_commands.add_parser(
        "reset",
        parents=[common],
        help="remove a forgotten PIN; the window asks for a new one at its next start",
    )
    audit = commands.add_parser("audit", parents=[common], help="print or export the audit log")
    audit.add_argument("--out", type=Path, metavar="FILE.csv", help="write CSV instead")


def run(args: argparse.Namespace, backend: Backend) -> int:
    from explorer.fileio import atomic_write_bytes
    from explorer.services.audit import AuditAction, AuditLog, events_csv
    from explorer.services.clinic_db import open_clinic_store
    from explorer.services.pin_service import AccessService

    stores = open_clinic_store(backend)
    try:
        who = f"{getpass.getuser()} (command line)"
        if args.command == "pin":
            removed = AccessService(stores.clinic).reset(clinician=who, detail="explorer pin reset")
            print(
                "The clinician PIN was removed; the window asks for a new one when it starts."
                if removed
                else "No clinician PIN was set; nothing changed."
            )
            return EXIT_OK
        log = AuditLog(stores.clinic)
        text = events_csv(log.events())
        if args.out is None:
            sys.stdout.write(text)
            return EXIT_OK
        atomic_write_bytes(args.out, text.encode("utf-8-sig"))
        log.record(AuditAction.AUDIT_EXPORTED, who, detail=args.out.name)
        print(f"wrote {args.out}")
        return EXIT_OK
    finally:
        stores.close()
