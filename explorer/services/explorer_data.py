"""What the explorer window reads: one snapshot at start, treatment details on demand."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from explorer.domain.models import (
    Condition,
    FaqEntry,
    GlossaryEntry,
    KnowledgeBaseInfo,
    PathwayStep,
    Treatment,
    TreatmentSummary,
)
from explorer.services.knowledge import DataStores


@dataclass(frozen=True)
class ExplorerSnapshot:
    """Everything the catalog and the reference views need, read in one go."""

    info: KnowledgeBaseInfo
    conditions: tuple[Condition, ...]
    treatments: tuple[TreatmentSummary, ...]
    glossary: tuple[GlossaryEntry, ...]
    faq: tuple[FaqEntry, ...]
    pathway: tuple[PathwayStep, ...]


class KnowledgeService:
    """Read access to the knowledge base for the window; safe to call from any thread."""

    def __init__(self, stores: DataStores) -> None:
        self._stores = stores
        self._cache: dict[str, Treatment | None] = {}
        self._lock = threading.Lock()

    @property
    def stores(self) -> DataStores:
        return self._stores

    def snapshot(self) -> ExplorerSnapshot:
        with self._stores.knowledge_session() as session:
            repo = self._stores.repository(session)
            info = repo.info()
            if info is None:
                raise LookupError("the knowledge base is empty")
            return ExplorerSnapshot(
                info=info,
                conditions=tuple(repo.conditions()),
                treatments=tuple(repo.treatment_summaries()),
                glossary=tuple(repo.glossary()),
                faq=tuple(repo.faq()),
                pathway=tuple(repo.pathway()),
            )

    def treatment(self, slug: str) -> Treatment | None:
        """Full details of one treatment (cached: the knowledge base is read-only here)."""
        with self._lock:
            if slug in self._cache:
                return self._cache[slug]
        with self._stores.knowledge_session() as session:
            found = self._stores.repository(session).treatment(slug)
        with self._lock:
            self._cache[slug] = found
        return found

    def treatments(self, slugs: list[str]) -> list[Treatment]:
        """Details for several slugs, skipping unknown ones, in the given order."""
        found = (self.treatment(slug) for slug in slugs)
        return [t for t in found if t is not None]

    def close(self) -> None:
        self._stores.close()
