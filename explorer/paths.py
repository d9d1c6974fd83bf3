"""Where things live: the data directory and the shipped content. No Qt, no SQLAlchemy."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "SpineTreatmentExplorer"
DATA_DIR_ENV = "EXPLORER_DATA_DIR"
KNOWLEDGE_DB = "knowledge.sqlite"
CLINIC_DB = "clinic.sqlite"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``--data-dir``, else ``$EXPLORER_DATA_DIR``, else the per-user one."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def log_dir(data_dir: Path) -> Path:
    return data_dir / "logs"


def shipped_dir() -> Path:
    """The ``db/`` folder: beside the package in a checkout, inside it when installed as a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "db", here / "_shipped" / "db"):
        if (candidate / "knowledge" / "meta.toml").exists():
            return candidate
    raise FileNotFoundError(
        "The shipped knowledge-base content (db/knowledge) is missing from this installation; "
        "reinstall the application."
    )


def knowledge_content_dir() -> Path:
    return shipped_dir() / "knowledge"


def migrations_dir(kind: str) -> Path:
    return shipped_dir() / "migrations" / kind
