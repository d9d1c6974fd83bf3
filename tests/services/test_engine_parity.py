"""Search and filters behave the same on both engines: the catalog reads one snapshot
(portable SQL, no FTS) and filters it in memory, so the same knowledge base gives the
same rows, details and search results on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.domain.catalog import CatalogIndex, CatalogQuery
from explorer.domain.vocab import Approach, Certainty, Invasiveness
from explorer.services.explorer_data import KnowledgeService
from explorer.services.stores import open_stores
from explorer.store.backend.postgres import parse_server_url
from tests.engines import backend_for

QUERIES = [
    CatalogQuery(),
    CatalogQuery(text="chiropractic"),
    CatalogQuery(text="decompression"),
    CatalogQuery(text="inj"),
    CatalogQuery(condition="sciatica", min_certainty=Certainty.MODERATE),
    CatalogQuery(approaches=frozenset({Approach.ACTIVE}), text="ex"),
    CatalogQuery(invasiveness=frozenset({Invasiveness.MINIMALLY_INVASIVE})),
]


def _read(folder: Path, server) -> tuple[object, list[list[str]], list[object]]:
    service = KnowledgeService.over_stores(open_stores(backend_for(folder, server)))
    try:
        snapshot = service.snapshot()
        index = CatalogIndex(snapshot.treatments, snapshot.glossary)
        results = [[index.entries[i].slug for i in index.filter(q)] for q in QUERIES]
        details = service.treatments([t.slug for t in snapshot.treatments])
        return snapshot, results, details
    finally:
        service.close()


def test_catalog_search_filters_and_details_match_on_both_engines(
    data_dir: Path, new_postgres_database: str, tmp_path: Path
) -> None:
    on_sqlite = _read(data_dir, None)
    on_postgres = _read(tmp_path / "pc", parse_server_url(new_postgres_database))
    assert on_postgres[0] == on_sqlite[0]  # snapshot: catalog, glossary, FAQ, pathway, stats
    assert on_postgres[1] == on_sqlite[1]
    assert any(on_sqlite[1]) and on_sqlite[1][1]  # the queries do find something
    assert on_postgres[2] == on_sqlite[2]  # every treatment's full details


@pytest.mark.parametrize("text", ["j. s.", "J. S.", "SCIATICA", "2026-11-02", "é"])
def test_consult_search_matches_on_both_engines(
    data_dir: Path, new_postgres_database: str, tmp_path: Path, text: str
) -> None:
    import datetime as dt

    from explorer.services.consults import ConsultService

    found = []
    for folder, server in ((data_dir, None), (tmp_path / "pc", new_postgres_database)):
        stores = open_stores(backend_for(folder, server and parse_server_url(server)))
        try:
            service = ConsultService(stores.clinic)
            for label, day in (("J. S.", 1), ("Émile", 2), ("k", 3)):
                service.start(
                    condition="sciatica",
                    treatments=[],
                    patient_label=label,
                    today=dt.date(2026, 11, day),
                )
            found.append([c.patient_label for c in service.search(text)])
        finally:
            stores.close()
    assert found[0] == found[1]
