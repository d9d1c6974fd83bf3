"""The schema revision this version of the application expects, per database.

Kept apart from :mod:`explorer.store.migrate` so that start-up can compare revisions
without importing SQLAlchemy or Alembic; a test checks the clinic's against its revision
files.
"""

from typing import Literal

from explorer.kb.version import FORMAT_VERSION

Kind = Literal["knowledge", "clinic"]

KNOWLEDGE_LAYOUT = 1
"""The layout of the stored knowledge base (:mod:`explorer.store.kb_tables`): 1, one document
in ``kb_document`` and ``kb_treatment``."""
KNOWLEDGE_HEAD = f"kb{FORMAT_VERSION}.{KNOWLEDGE_LAYOUT}"
"""The knowledge database's version: the document's format version and the layout."""
LEGACY_KNOWLEDGE_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")
"""The revisions of the retired Alembic chain of the knowledge base (17 tables), converted
once when found (:func:`explorer.store.kb_tables.install`)."""

HEADS: dict[Kind, str] = {"knowledge": KNOWLEDGE_HEAD, "clinic": "c0003"}
