"""Test set-up: offscreen Qt, and a private data directory and settings file per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: the offscreen platform, with one 1920x1200 screen at 96 dpi
# (the default 800x600 screen would clamp restored window geometry in the tests).
_SCREEN = Path(__file__).resolve().parent / "offscreen-screen.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
os.environ.pop("EXPLORER_DATA_DIR", None)

# Property tests run the same examples on every run (CI must not turn red by chance);
# HYPOTHESIS_PROFILE=explore draws new ones, to hunt for bugs by hand.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("deterministic", derandomize=True)
_hypothesis_settings.register_profile("explore", derandomize=False)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "db" / "knowledge"
TEST_PIN = "2468"
"""The clinician PIN of every test data directory (set once in the session's build)."""


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory (via the environment) and settings folder."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return data_dir


@pytest.fixture(scope="session")
def _built_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the shipped knowledge base built once per test session."""
    from explorer.services.access import AccessService
    from explorer.services.knowledge import open_stores

    folder = tmp_path_factory.mktemp("built")
    stores = open_stores(folder)
    AccessService(stores.clinic).set_pin(TEST_PIN, TEST_PIN, clinician="test set-up")
    stores.close()
    return folder


@pytest.fixture
def data_dir(_built_data_dir: Path, isolated_environment: Path) -> Path:
    """A ready data directory (a copy of the session's build: tests may change it freely)."""
    shutil.copytree(_built_data_dir, isolated_environment)
    return isolated_environment


@pytest.fixture
def stores(data_dir: Path) -> Iterator[object]:
    from explorer.services.knowledge import open_stores

    opened = open_stores(data_dir)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def shipped_document():  # type: ignore[no-untyped-def]
    from explorer.kb.validate import load_document

    return load_document(CONTENT)
