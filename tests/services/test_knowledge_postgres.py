"""The knowledge base on the server: filled once at the first start, updated once for all
PCs by an import, export → import → export identical, clinic data untouched; or kept local
per PC (EXPLORER_LOCAL_KNOWLEDGE=1) while consults are shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.services import knowledge
from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
from explorer.store.backend.postgres import parse_server_url
from tests.engines import backend_for, backend_of

pytestmark = pytest.mark.postgres_only


def test_export_import_export_is_identical_and_leaves_consults_alone(
    data_dir: Path, database: str, tmp_path: Path, shipped_document
) -> None:
    stores = open_stores(backend_of(data_dir))
    try:
        assert stores.backend.server is not None and stores.describe().startswith(
            "PostgreSQL database"
        )
        consult = ConsultService(stores.clinic).start(condition="sciatica", treatments=["tens"])
        first = knowledge.document_json(knowledge.export_document_of(stores))
        assert first == knowledge.document_json(shipped_document)
        knowledge.export_json(stores, tmp_path / "kb.json")
        knowledge.import_file(stores, tmp_path / "kb.json")
        knowledge.build(stores)
        assert knowledge.document_json(knowledge.export_document_of(stores)) == first
        assert ConsultService(stores.clinic).get(consult.id) == consult
    finally:
        stores.close()


def test_an_import_on_one_pc_is_seen_by_every_pc(
    data_dir: Path, database: str, tmp_path: Path, capsys
) -> None:
    assert main(["kb", "export", str(tmp_path / "kb.json")]) == 0
    document = json.loads((tmp_path / "kb.json").read_text(encoding="utf-8"))
    document["meta"]["title"] = "Reviewed by our clinic"
    (tmp_path / "ours.json").write_text(json.dumps(document), encoding="utf-8")
    assert main(["kb", "import", str(tmp_path / "ours.json")]) == 0  # on PC 1
    other_pc = open_stores(backend_of(tmp_path / "pc2"))  # a different data folder
    try:
        with other_pc.knowledge_session() as session:
            assert other_pc.repository(session).info().title == "Reviewed by our clinic"
    finally:
        other_pc.close()
    capsys.readouterr()
    assert main(["kb", "list", "--json"]) == 0  # the read commands use the server too
    assert len(json.loads(capsys.readouterr().out)) >= 14


def test_a_local_knowledge_base_with_shared_consults(
    data_dir: Path, database: str, tmp_path: Path, monkeypatch
) -> None:
    import os

    url = os.environ["EXPLORER_DATABASE_URL"]
    folder = tmp_path / "pc3"
    stores = open_stores(backend_for(folder, parse_server_url(url, local_knowledge=True)))
    try:
        assert (folder / "knowledge.sqlite").exists() and not (folder / "clinic.sqlite").exists()
        assert stores.knowledge.dialect.name == "sqlite"
        assert stores.clinic.dialect.name == "postgresql"
        assert "knowledge base in" in stores.describe()
    finally:
        stores.close()
