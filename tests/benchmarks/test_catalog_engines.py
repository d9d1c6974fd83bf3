"""Catalog filtering on both engines, 10,000 treatments / 500,000 findings.

What differs by engine is how the data reaches memory: the snapshot the catalog is built
from (one read of every treatment summary, its best certainty per condition, glossary,
FAQ, pathway, statistics) and the detail query of one treatment (run when a treatment is
added to the comparison). The filtering itself runs in memory on that snapshot
(:class:`explorer.domain.catalog.CatalogIndex`, no FTS and no SQL per keystroke), so it is
the same code on both; it is measured on each engine's snapshot anyway, typing
"decompression" one key at a time under four filter combinations.

The SQLite knowledge base is copied to a fresh PostgreSQL database with ``explorer db
copy`` (the copy time is printed too). Loopback server, ``fsync=off``: a real clinic
server adds the network's round trips to the snapshot and detail times.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pytest

from explorer.domain.catalog import CatalogIndex, CatalogQuery
from explorer.domain.vocab import Approach, Certainty
from explorer.services.explorer_data import KnowledgeService
from explorer.services.knowledge import open_knowledge
from explorer.store.backend.postgres import parse_server_url
from tests.benchmarks.conftest import percentile, table
from tests.engines import backend_for

pytestmark = pytest.mark.benchmark

FILTERS = [
    CatalogQuery(),
    CatalogQuery(condition="sciatica"),
    CatalogQuery(condition="sciatica", min_certainty=Certainty.MODERATE),
    CatalogQuery(approaches=frozenset({Approach.ACTIVE})),
]
WORD = "decompression"


def _measure(service: KnowledgeService) -> dict[str, float]:
    loads = []
    for _ in range(3):
        start = time.perf_counter()
        snapshot = service.snapshot()
        loads.append(time.perf_counter() - start)
    start = time.perf_counter()
    index = CatalogIndex(snapshot.treatments, snapshot.glossary)
    build = time.perf_counter() - start
    keystrokes = []
    for base in FILTERS:
        for n in range(len(WORD) + 1):
            query = CatalogQuery(
                condition=base.condition,
                min_certainty=base.min_certainty,
                approaches=base.approaches,
                text=WORD[:n],
            )
            start = time.perf_counter()
            index.filter(query)
            keystrokes.append(time.perf_counter() - start)
    slugs = [t.slug for t in snapshot.treatments[:: max(1, len(snapshot.treatments) // 20)]]
    details = []
    with service.repository() as repo:
        for slug in slugs:
            start = time.perf_counter()
            repo.treatment(slug)
            details.append(time.perf_counter() - start)
    return {
        "treatments": float(len(snapshot.treatments)),
        "snapshot": statistics.median(loads),
        "index": build,
        "p50": percentile(keystrokes, 50),
        "p95": percentile(keystrokes, 95),
        "detail": statistics.median(details),
    }


def test_catalog_filter_latency_on_sqlite_and_postgres(
    synthetic_data_dir: Path, new_postgres_database: str, tmp_path: Path
) -> None:
    from explorer.services.db_copy import copy_database

    start = time.perf_counter()
    copy_database(str(synthetic_data_dir), new_postgres_database)
    copied = time.perf_counter() - start
    print(
        f"\n[benchmark] db copy of the synthetic KB to PostgreSQL: {copied:.1f} s", file=sys.stderr
    )
    results = {}
    for name, folder, server in (
        ("SQLite", synthetic_data_dir, None),
        ("PostgreSQL", tmp_path / "pc", parse_server_url(new_postgres_database)),
    ):
        stores = open_knowledge(backend_for(folder, server), refresh_shipped=False)
        service = KnowledgeService.over_stores(stores)
        try:
            results[name] = _measure(service)
        finally:
            service.close()
    ms = lambda seconds: f"{seconds * 1000:.2f} ms"  # noqa: E731
    table(
        "catalog on both engines (10,000 treatments / 500,000 findings)",
        ["engine", "snapshot read", "index build", "filter p50", "filter p95", "one treatment"],
        [
            [name, ms(r["snapshot"]), ms(r["index"]), ms(r["p50"]), ms(r["p95"]), ms(r["detail"])]
            for name, r in results.items()
        ],
    )
    assert results["SQLite"]["treatments"] == results["PostgreSQL"]["treatments"] == 10_000
    for r in results.values():
        assert r["p95"] < 0.1  # generous: a keystroke's filtering stays far below a frame
