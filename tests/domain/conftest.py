"""Domain tests work on domain objects built from the shipped content in memory: the reader's
conversion of the document (the same one a stored knowledge base goes through), no database."""

from __future__ import annotations

import pytest

from explorer.store.kb_reader import DocumentReader


@pytest.fixture(scope="session")
def shipped(shipped_document) -> DocumentReader:  # type: ignore[no-untyped-def]
    """The shipped knowledge base's queries (treatment, statistics, conditions…), in memory."""
    return DocumentReader(shipped_document.model_dump(mode="json"))
