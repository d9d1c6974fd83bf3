"""docs/several-pcs.md, step 6: a server is backed up with pg_dump and put back with
pg_restore --clean. The crontab line and the restore command are read from that page and run
here with the server's own tools (only the folder, the database and the tools' paths
changed): the consults, the audit log and its append-only triggers, and the schema
revisions come back as they were dumped."""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from explorer.services.audit import AuditLog
from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
from tests.engines import backend_of

pytestmark = [pytest.mark.postgres_only, pytest.mark.usefixtures("database")]


def _tool(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    path = found[0] if found else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found beside the test server")
    return path


GUIDE = Path(__file__).parents[2] / "docs" / "several-pcs.md"
BACKUPS = "/var/lib/postgresql/backups"


def _guide_commands() -> tuple[str, list[str]]:
    """The crontab line's command (after its five schedule fields, cron's ``\\%`` as ``%``)
    and the restore command's arguments, as the clinic's IT would copy them."""
    text = GUIDE.read_text(encoding="utf-8")
    cron = re.search(r"^\s*30 23 \* \* \* (.*pg_dump .*)$", text, re.MULTILINE)
    restore = re.search(r"sudo -u postgres (pg_restore [^`]*)`", text)
    assert cron and restore, f"{GUIDE.name} no longer shows the pg_dump and pg_restore lines"
    return cron.group(1).replace("\\%", "%"), shlex.split(restore.group(1))


def test_pg_dump_then_pg_restore_clean_puts_the_clinic_back(data_dir: Path, tmp_path) -> None:
    url = os.environ["EXPLORER_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    stores = open_stores(backend_of(data_dir))
    service = ConsultService(stores.clinic, clinician="Dr Rivera")
    kept = service.start(condition="sciatica", treatments=["tens"], patient_label="J. S.")
    kept = service.save(replace(kept, notes_html="<p>in the nightly dump</p>"))
    audit_before = len(AuditLog(stores.clinic).events())
    stores.close()

    dump_line, restore_args = _guide_commands()
    # the guide's crontab line, with this test's folder, server and pg_dump: it runs umask 077,
    # so the dump is private (notes)
    assert dump_line.startswith("umask 077; pg_dump ") and dump_line.endswith(" explorer")
    dump_line = dump_line.replace(BACKUPS, shlex.quote(str(tmp_path)))
    dump_line = dump_line.replace("pg_dump ", f"{shlex.quote(_tool('pg_dump'))} ", 1)
    dump_line = dump_line.removesuffix(" explorer") + f" {shlex.quote(url)}"
    before = os.umask(0o022)  # cron's usual umask, which the line itself tightens
    try:
        subprocess.run(["sh", "-c", dump_line], check=True)
    finally:
        os.umask(before)
    (dump,) = tmp_path.glob("explorer-*.dump")  # explorer-YYYY-MM-DD.dump
    assert dump.stat().st_mode & 0o077 == 0
    stores = open_stores(backend_of(data_dir))  # the day goes on after the dump
    ConsultService(stores.clinic).save(replace(kept, notes_html="<p>after the dump</p>"))
    stores.close()

    # the guide's restore command: pg_restore --clean --dbname explorer FILE
    assert restore_args == ["pg_restore", "--clean", "--dbname", "explorer", "FILE"]
    restore = [_tool("pg_restore"), *restore_args[1:3], url, str(dump)]
    subprocess.run(restore, check=True, capture_output=True)
    stores = open_stores(backend_of(data_dir))
    try:
        back = ConsultService(stores.clinic).get(kept.id)
        assert back is not None and back.notes_html == "<p>in the nightly dump</p>"
        assert len(AuditLog(stores.clinic).events()) == audit_before
        refused = pytest.raises(Exception, match="append-only")  # the triggers came back
        with refused, stores.clinic.connect() as connection, connection.begin():
            connection.execute(text("DELETE FROM audit_event"))
    finally:
        stores.close()
