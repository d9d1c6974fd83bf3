"""README "Several PCs", step 6: a server is backed up with pg_dump and put back with
pg_restore --clean. Checked here with the server's own tools: the consults, the audit log
and its append-only triggers, and the schema revisions come back as they were dumped."""

from __future__ import annotations

import glob
import os
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


def test_pg_dump_then_pg_restore_clean_puts_the_clinic_back(data_dir: Path, tmp_path) -> None:
    url = os.environ["EXPLORER_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    stores = open_stores(backend_of(data_dir))
    service = ConsultService(stores.clinic, clinician="Dr Rivera")
    kept = service.start(condition="sciatica", treatments=["tens"], patient_label="J. S.")
    kept = service.save(replace(kept, notes_html="<p>in the nightly dump</p>"))
    audit_before = len(AuditLog(stores.clinic).events())
    stores.close()

    dump = tmp_path / "explorer.dump"
    # as the README's crontab line runs it: umask 077, so the dump is private (notes)
    dump_line = f'umask 077; "{_tool("pg_dump")}" --format=custom --file "{dump}" --dbname "{url}"'
    before = os.umask(0o022)  # cron's usual umask, which the line itself tightens
    try:
        subprocess.run(["sh", "-c", dump_line], check=True)
    finally:
        os.umask(before)
    assert dump.stat().st_mode & 0o077 == 0
    stores = open_stores(backend_of(data_dir))  # the day goes on after the dump
    ConsultService(stores.clinic).save(replace(kept, notes_html="<p>after the dump</p>"))
    stores.close()

    subprocess.run(
        [_tool("pg_restore"), "--clean", "--dbname", url, str(dump)],
        check=True,
        capture_output=True,
    )
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
