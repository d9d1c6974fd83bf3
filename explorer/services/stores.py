"""Both databases of one backend, opened together (the window's full path, the CLI's
``db info``, ``db copy``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from explorer.services.clinic_db import open_clinic_db
from explorer.services.knowledge import KnowledgeStores, open_knowledge
from explorer.services.private_data import prepare_data_dir
from explorer.store.backend import Backend


@dataclass
class DataStores(KnowledgeStores):
    """Both open databases of one backend."""

    clinic: Engine

    def close(self) -> None:
        self.knowledge.dispose()
        self.clinic.dispose()


def open_stores(backend: Backend, *, refresh_shipped: bool = True) -> DataStores:
    """Open (creating and migrating as needed) both databases of ``backend``.

    See :func:`explorer.services.knowledge.open_knowledge` and
    :func:`explorer.services.clinic_db.open_clinic_db`. Damaged files are reported, never
    replaced.
    """
    prepare_data_dir(backend.data_dir)
    clinic = open_clinic_db(backend)
    try:
        knowledge = open_knowledge(backend, refresh_shipped=refresh_shipped)
    except BaseException:
        clinic.dispose()
        raise
    return DataStores(backend, knowledge.knowledge, clinic)
