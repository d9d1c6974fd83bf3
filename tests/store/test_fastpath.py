"""The window's start-up read path: plain sqlite3 when current, the full path otherwise."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.paths import knowledge_content_dir
from explorer.store.fastpath import open_current_knowledge
from explorer.store.kb_repository import KnowledgeRepository
from explorer.store.sqlite_files import DatabaseProblem


def test_sqlite_reader_returns_exactly_what_the_session_reader_returns(stores, data_dir) -> None:
    connection = open_current_knowledge(data_dir, knowledge_content_dir())
    assert connection is not None
    fast = KnowledgeRepository.over_sqlite(connection)
    with stores.knowledge_session() as session:
        full = stores.repository(session)
        assert fast.info() == full.info()
        assert fast.conditions() == full.conditions()
        assert fast.treatment_summaries() == full.treatment_summaries()
        assert fast.glossary() == full.glossary()
        assert fast.faq() == full.faq()
        assert fast.pathway() == full.pathway()
        assert fast.statistics() == full.statistics()
        for summary in full.treatment_summaries():
            assert fast.treatment(summary.slug) == full.treatment(summary.slug)
        assert fast.treatment("no-such-slug") is None
    connection.close()


def test_fast_path_is_refused_when_shipped_content_changed(data_dir, tmp_path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(knowledge_content_dir(), content)
    (content / "faq.toml").write_text((content / "faq.toml").read_text() + "\n# edited\n")
    assert open_current_knowledge(data_dir, content) is None


def test_fast_path_is_refused_before_first_start_and_at_an_old_revision(data_dir, tmp_path) -> None:
    assert open_current_knowledge(tmp_path / "nothing-here", knowledge_content_dir()) is None
    con = sqlite3.connect(data_dir / "knowledge.sqlite")
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0002'")
    con.close()
    assert open_current_knowledge(data_dir, knowledge_content_dir()) is None


def test_fast_path_reports_a_damaged_file_like_the_full_path(data_dir) -> None:
    for leftover in ("knowledge.sqlite-wal", "knowledge.sqlite-shm"):
        (data_dir / leftover).unlink(missing_ok=True)
    (data_dir / "knowledge.sqlite").write_bytes(b"x" * 4096)
    with pytest.raises(DatabaseProblem, match="not a SQLite database"):
        open_current_knowledge(data_dir, knowledge_content_dir())


def test_window_data_on_a_current_folder_loads_without_sqlalchemy(data_dir) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from explorer.services.explorer_data import open_service\n"
        f"service = open_service(Path({str(data_dir)!r}))\n"
        "snapshot = service.snapshot()\n"
        "assert len(snapshot.treatments) >= 14 and service.treatment('tens') is not None\n"
        "print(any(m.startswith('sqlalchemy') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    assert result.stdout.strip() == "False"


def test_window_data_on_a_fresh_folder_takes_the_full_path(
    tmp_path: Path, empty_database: str
) -> None:
    from explorer.services.explorer_data import open_service

    service = open_service(tmp_path / "fresh")  # on PostgreSQL: a new, empty server database
    try:
        assert service.stores is not None  # created, migrated and filled
        assert (
            service.stores.knowledge.dialect.name
            == {
                "sqlite": "sqlite",
                "postgres": "postgresql",
            }[empty_database]
        )
        assert len(service.snapshot().treatments) >= 14
    finally:
        service.close()


@pytest.mark.postgres_only
def test_window_data_on_a_server_comes_from_the_server_not_a_file_left_here(
    data_dir, database
) -> None:
    """A PC that used its data folder before the clinic moved to a server still has a current
    knowledge.sqlite there: the window must show the server's knowledge base, not that file
    (the SQLite fast path is for the data folder only)."""
    from explorer.services.explorer_data import open_service
    from tests.engines import execute

    assert open_current_knowledge(data_dir, knowledge_content_dir()) is not None  # it is there
    execute(data_dir, "knowledge", "UPDATE kb_meta SET title = 'Edition on the server'")
    service = open_service(data_dir)
    try:
        assert service.stores is not None
        assert service.snapshot().info.title == "Edition on the server"
    finally:
        service.close()
