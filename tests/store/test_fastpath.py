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
from explorer.store.kb_reader import DocumentReader, KnowledgeReader
from explorer.store.problems import DatabaseProblem
from tests.engines import backend_of


def test_the_stored_knowledge_base_reads_as_the_document_it_was_built_from(
    data_dir, shipped_document
) -> None:
    """The fast path's reader gives the domain objects of the shipped document, summaries
    derived when it was written included."""
    connection = open_current_knowledge(data_dir, knowledge_content_dir())
    assert connection is not None
    stored = KnowledgeReader.over_sqlite(connection)
    shipped = DocumentReader(shipped_document.model_dump(mode="json"))
    assert stored.info() == shipped.info()
    assert stored.conditions() == shipped.conditions()
    assert stored.treatment_summaries() == shipped.treatment_summaries()
    assert stored.glossary() == shipped.glossary()
    assert stored.faq() == shipped.faq()
    assert stored.pathway() == shipped.pathway()
    assert stored.statistics() == shipped.statistics()
    for summary in shipped.treatment_summaries():
        assert stored.treatment(summary.slug) == shipped.treatment(summary.slug)
    assert stored.treatment("no-such-slug") is None
    connection.close()


def test_summaries_derived_by_another_version_are_derived_again_on_the_full_path(
    data_dir, monkeypatch
) -> None:
    """The next version may derive the catalog's best certainty differently: a knowledge base
    written before is not read as it is (fast path refused) but derived again when opened."""
    from explorer.domain import models
    from explorer.services.knowledge import open_knowledge
    from explorer.store import fastpath, kb_tables

    con = sqlite3.connect(data_dir / "knowledge.sqlite")
    with con:
        original = con.execute("SELECT summary FROM kb_treatment ORDER BY position").fetchall()
        con.execute("UPDATE kb_treatment SET summary = replace(summary, '\"high\"', '\"low\"')")
        con.execute("UPDATE kb_treatment SET summary = replace(summary, '\"moderate\"', '\"low\"')")
        altered = con.execute("SELECT summary FROM kb_treatment ORDER BY position").fetchall()
    con.close()
    assert altered != original
    following = models.DERIVED_VERSION + 1
    monkeypatch.setattr(models, "DERIVED_VERSION", following)
    monkeypatch.setattr(fastpath, "DERIVED_VERSION", following)
    monkeypatch.setattr(kb_tables, "DERIVED_VERSION", following)
    assert open_current_knowledge(data_dir, knowledge_content_dir()) is None
    open_knowledge(backend_of(data_dir), refresh_shipped=False).close()
    con = sqlite3.connect(data_dir / "knowledge.sqlite")
    derived = con.execute("SELECT summary FROM kb_treatment ORDER BY position").fetchall()
    assert con.execute("SELECT derived_version FROM kb_document").fetchall() == [(following,)]
    con.close()
    assert derived == original
    connection = open_current_knowledge(data_dir, knowledge_content_dir())
    assert connection is not None
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
        con.execute("UPDATE alembic_version SET version_num = '0006'")
    con.close()
    assert open_current_knowledge(data_dir, knowledge_content_dir()) is None


def test_fast_path_reports_a_damaged_file_like_the_full_path(data_dir) -> None:
    for leftover in ("knowledge.sqlite-wal", "knowledge.sqlite-shm"):
        (data_dir / leftover).unlink(missing_ok=True)
    (data_dir / "knowledge.sqlite").write_bytes(b"x" * 4096)
    with pytest.raises(DatabaseProblem, match="not a SQLite database"):
        open_current_knowledge(data_dir, knowledge_content_dir())


def test_window_data_on_a_current_folder_loads_without_sqlalchemy_or_pydantic(data_dir) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from explorer.services.explorer_data import open_service\n"
        "from explorer.store.backend import backend_from_arguments\n"
        f"service = open_service(backend_from_arguments({str(data_dir)!r}))\n"
        "snapshot = service.snapshot()\n"
        "assert len(snapshot.treatments) >= 14 and service.treatment('tens') is not None\n"
        "print(any(m.split('.')[0] in {'sqlalchemy', 'pydantic'} for m in sys.modules))\n"
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

    service = open_service(
        backend_of(tmp_path / "fresh")
    )  # on PostgreSQL: a new, empty server database
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
    execute(
        data_dir,
        "knowledge",
        "UPDATE kb_document SET document = replace(document, "
        '\'"title":"Spine Treatment Explorer knowledge base"\', '
        '\'"title":"Edition on the server"\')',
    )
    service = open_service(backend_of(data_dir))
    try:
        assert service.stores is not None
        assert service.snapshot().info.title == "Edition on the server"
    finally:
        service.close()
