"""A database that cannot be used, and what kind of problem it has: the one error type that
every engine's failures become (each engine's part of :mod:`explorer.store.backend`
classifies its own errors into it), whatever the data layer's caller is."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from explorer.errors import UserFacingError


class ProblemKind(StrEnum):
    """What kind of problem a database has: only ``DAMAGED`` is cured by a restore (or, for
    the knowledge base, a rebuild); the others are cured where the data lives."""

    DAMAGED = "damaged"
    """Its contents are broken or not a database of ours: restore (or rebuild) it."""
    FULL = "full"
    """The disk is full: free space."""
    READ_ONLY = "read-only"
    """The disk, folder or file accepts no changes."""
    NO_ACCESS = "no access"
    """This user has no permission to read or change it."""
    BUSY = "busy"
    """Another window or program holds it."""
    MISSING = "missing"
    """A link to a file that is not there (a disk that is not connected?)."""
    DISK_ERROR = "disk error"
    """The disk reported an error (or anything else the message names)."""


class DatabaseProblem(UserFacingError):
    """A database that cannot be used; the message says what and what to do.

    ``path`` is the file concerned (when known); ``kind`` what kind of problem it is (only
    :attr:`ProblemKind.DAMAGED` calls for a restore or a rebuild); ``locked`` says the file is in
    use by another program; ``writes_refused`` that it can still be read.
    """

    writes_refused = False
    """The database can be read but refuses writes (disk full, read-only, a newer schema)."""
    kind = ProblemKind.DISK_ERROR

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        locked: bool = False,
        writes_refused: bool = False,
        kind: ProblemKind | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.locked = locked or kind is ProblemKind.BUSY
        self.writes_refused = writes_refused or type(self).writes_refused
        self.kind = kind or (ProblemKind.BUSY if locked else type(self).kind)

    @property
    def damaged(self) -> bool:
        """Whether a restore from a backup (or a rebuild) is the cure."""
        return self.kind is ProblemKind.DAMAGED


class SchemaChanged(DatabaseProblem):
    """The database's schema is not the one this version writes (a newer one upgraded it)."""

    writes_refused = True
