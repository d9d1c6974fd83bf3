"""What the explorer window reads: one snapshot at start, treatment details on demand."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from explorer.domain.models import ExplorerSnapshot, Treatment
from explorer.services.knowledge_problem import KnowledgeDatabaseProblem
from explorer.store.kb_reader import KnowledgeReader
from explorer.store.problems import DatabaseProblem

if TYPE_CHECKING:  # the full stores import SQLAlchemy; the fast path must not
    from explorer.services.knowledge import KnowledgeStores
    from explorer.store.backend import Backend


class KnowledgeService:
    """Read access to the knowledge base for the window; safe to call from any thread.

    Built over the full data stores (SQLAlchemy) or, when the data folder is current,
    over a plain read-only ``sqlite3`` connection (see :mod:`explorer.store.fastpath`).
    """

    def __init__(
        self,
        repository: Callable[[], AbstractContextManager[KnowledgeReader]],
        close: Callable[[], None],
        stores: KnowledgeStores | None = None,
    ) -> None:
        self._repository = repository
        self._close = close
        self._stores = stores
        self._cache: dict[str, Treatment | None] = {}
        self._lock = threading.RLock()

    @classmethod
    def over_stores(cls, stores: KnowledgeStores) -> KnowledgeService:
        @contextmanager
        def repository() -> Iterator[KnowledgeReader]:
            with stores.knowledge_session() as session:
                yield stores.repository(session)

        return cls(repository, stores.close, stores)

    @classmethod
    def over_sqlite(cls, connection: sqlite3.Connection) -> KnowledgeService:
        shared = KnowledgeReader.over_sqlite(connection)

        @contextmanager
        def repository() -> Iterator[KnowledgeReader]:
            yield shared

        return cls(repository, connection.close)

    @contextmanager
    def repository(self) -> Iterator[KnowledgeReader]:
        """A repository for a few queries in a row (held under the service's lock)."""
        with self._lock, self._repository() as repo:
            yield repo

    @property
    def stores(self) -> KnowledgeStores | None:
        """The full data stores, when this service was opened through them."""
        return self._stores

    def snapshot(self) -> ExplorerSnapshot:
        with self._lock, self._repository() as repo, repo.held():
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
                statistics=tuple(repo.statistics()),
            )

    def treatment(self, slug: str) -> Treatment | None:
        """Full details of one treatment (cached: the knowledge base is read-only here)."""
        with self._lock:
            if slug not in self._cache:
                with self._repository() as repo:
                    self._cache[slug] = repo.treatment(slug)
            return self._cache[slug]

    def treatments(self, slugs: list[str]) -> list[Treatment]:
        """Details for several slugs, skipping unknown ones, in the given order."""
        found = (self.treatment(slug) for slug in slugs)
        return [t for t in found if t is not None]

    def close(self) -> None:
        with self._lock:
            self._close()


def open_service(backend: Backend, *, rebuild_damaged: bool = False) -> KnowledgeService:
    """The window's way in: the fast read-only path when possible, else the full one.

    Only the knowledge base is opened: a problem with the clinic database never keeps the
    reference content from showing (the window opens the clinic database on its own).
    With ``rebuild_damaged``, a damaged knowledge base is kept aside and rebuilt.
    """
    from explorer.paths import knowledge_content_dir
    from explorer.store.fastpath import open_current_knowledge

    data_dir = backend.data_dir
    if not rebuild_damaged and backend.file("knowledge") is not None:
        from explorer.store.network_share import refuse_network_share

        refuse_network_share(data_dir)  # reads the mount table: well under a millisecond
        try:
            connection = open_current_knowledge(data_dir, knowledge_content_dir())
        except DatabaseProblem as exc:
            raise KnowledgeDatabaseProblem(exc) from exc
        if connection is not None:
            return KnowledgeService.over_sqlite(connection)
    from explorer.services.knowledge import open_knowledge

    return KnowledgeService.over_stores(open_knowledge(backend, rebuild_damaged=rebuild_damaged))
