"""The schema revision this version of the application expects, per database.

Kept apart from :mod:`explorer.store.migrate` so that start-up can compare revisions
without importing SQLAlchemy or Alembic; a test checks them against the revision files.
"""

from typing import Literal

Kind = Literal["knowledge", "clinic"]
HEADS: dict[Kind, str] = {"knowledge": "0006", "clinic": "c0003"}
