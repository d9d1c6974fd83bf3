"""The schema revision this version of the application expects, per database.

Kept apart from :mod:`explorer.store.backend.migrate` so that start-up can compare revisions
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

KNOWLEDGE_REVISIONS = (
    *LEGACY_KNOWLEDGE_REVISIONS,
    *(f"kb{n}.{KNOWLEDGE_LAYOUT}" for n in range(1, FORMAT_VERSION + 1)),
)
"""Every version of the knowledge database this application can open, oldest first: a
document of an older format in this layout is upgraded by :mod:`explorer.kb.upgrade`'s steps
(the layout came with format 3; lower ones are listed so that the mechanism is tested)."""

HEADS: dict[Kind, str] = {"knowledge": KNOWLEDGE_HEAD, "clinic": "c0003"}
