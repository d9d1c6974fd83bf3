"""``explorer backup`` and ``explorer restore FILE``: the clinic database's backups.

``explorer backup`` makes a verified copy now (and applies the rotation); ``--list`` shows
the backups, newest first. ``explorer restore FILE`` puts a backup back: the current
``clinic.sqlite`` is kept aside, renamed, and the restore is recorded in the restored
database's audit log. Exit codes as for every command: 0 done, 2 usage, 3 data problem.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.store.backend import Backend

EXIT_OK = 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="back up the clinic database now (verified; old backups rotated)",
    )
    backup.add_argument("--list", action="store_true", help="list the backups instead")
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="replace the clinic database with a backup (the current file is kept aside)",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup file")


def run(args: argparse.Namespace, backend: Backend) -> int:
    from explorer.errors import UserFacingError
    from explorer.services import backup

    data_dir = backend.data_dir
    if backend.uses_server:
        raise UserFacingError(backend.server_backups())
    who = f"{getpass.getuser()} (command line)"
    if args.command == "restore":
        from explorer.services.clinic_db import restore_clinic

        restored = restore_clinic(backend, args.file, clinician=who)
        kept = f"; the previous file is kept as {restored.kept_as}" if restored.kept_as else ""
        rebuilt = (
            "; its damaged indexes were rebuilt from its data (the data was intact)"
            if restored.indexes_rebuilt
            else ""
        )
        print(
            f"restored {data_dir / 'clinic.sqlite'} from {restored.source} "
            f"({restored.consults} consult{'s' if restored.consults != 1 else ''}){rebuilt}{kept}"
        )
        return EXIT_OK
    folder = backend.backup_dir
    if args.list:
        backups = backup.list_backups(folder)
        if not backups:
            print(f"no backups in {folder}")
        # The same check as the restore and the advice: the backups newer than the newest
        # good one (all of them, when none is good) failed it; older ones are not checked.
        good = backup.newest_good_backup(backend)
        damaged = True
        for item in backups:
            damaged = damaged and item != good
            state = "  damaged, cannot be restored" if damaged else ""
            print(f"{item.path}  {item.describe()}  {item.path.stat().st_size:,} bytes{state}")
        return EXIT_OK
    from explorer.services.audit import AuditAction, AuditLog
    from explorer.services.clinic_db import open_clinic_store

    stores = open_clinic_store(backend)  # checks (and upgrades) the database first
    try:
        made = backup.make_backup(backend, backup.MANUAL)
        AuditLog(stores.clinic).record(AuditAction.BACKUP_MADE, who, detail=made.path.name)
    finally:
        stores.close()
    print(f"backed up to {made.path} (verified)")
    if made.note:
        print(f"note: {made.note}")
    return EXIT_OK
