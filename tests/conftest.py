"""Test set-up: offscreen Qt, and a private data directory and settings file per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engines import backend_for, backend_of

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
    monkeypatch.delenv("EXPLORER_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    # Child processes (a second PC, the start-up checks) never look at the real keyring.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    return data_dir


# --- The OS keyring: never the real one -------------------------------------------------
#
# The server mode reads this PC's password from the OS keyring (explorer.store.backend.postgres). No
# test may read or write the real user's keyring: the whole session uses an in-memory one
# (installed before anything looks for a backend), and ``memory_keyring`` gives a test its
# own empty one, the previous one put back afterwards.


def _memory_keyring() -> object:
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class MemoryKeyring(KeyringBackend):
        """Passwords in a dict, for the tests."""

        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.passwords: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.passwords.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.passwords[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.passwords.pop((service, username), None) is None:
                raise PasswordDeleteError("no such password")

    return MemoryKeyring()


@pytest.fixture(scope="session", autouse=True)
def _no_real_keyring() -> None:
    import keyring

    keyring.set_keyring(_memory_keyring())  # type: ignore[arg-type]


@pytest.fixture
def memory_keyring(_no_real_keyring: None) -> Iterator[object]:
    """An empty in-memory OS keyring for this test (``.passwords``: {(service, key): pw})."""
    import keyring

    previous = keyring.get_keyring()
    backend = _memory_keyring()
    keyring.set_keyring(backend)  # type: ignore[arg-type]
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def _built_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the shipped knowledge base built once per test session."""
    from explorer.services.pin_service import AccessService
    from explorer.services.stores import open_stores

    folder = tmp_path_factory.mktemp("built")
    stores = open_stores(backend_of(folder))
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
    from explorer.services.stores import open_stores

    opened = open_stores(backend_of(data_dir))
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def shipped_document():  # type: ignore[no-untyped-def]
    from explorer.kb.validate import load_document

    return load_document(CONTENT)


# --- Both engines: SQLite (the data folder) and a real PostgreSQL server -------------------
#
# A test that uses the ``database`` fixture runs twice: on the data folder's SQLite files and
# on the private PostgreSQL server that ``.ci/bootstrap.py test`` starts (its URL in
# $EXPLORER_TEST_POSTGRES_URL). On PostgreSQL each test gets its own database, cloned from a
# template that was migrated, filled and given the test PIN once per session (~0.1 s per
# clone). Mark a test ``sqlite_only`` when it is about files (modes, damage, backups).
# ``empty_database`` instead of ``database``: a first start, on PostgreSQL on a new, empty
# database. tests/engines.py: raw SQL on whichever database the test opens.

POSTGRES_URL_ENV = "EXPLORER_TEST_POSTGRES_URL"
POSTGRES_SKIP_ENV = "EXPLORER_TEST_POSTGRES_SKIP"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        kinds = ["sqlite", "postgres"]
        if marked("sqlite_only"):
            kinds = ["sqlite"]
        elif marked("postgres_only"):
            kinds = ["postgres"]
        metafunc.parametrize("database", kinds, indirect=True)


def _server_url(database: str) -> str:
    base = os.environ[POSTGRES_URL_ENV]
    return base.rsplit("/", 1)[0] + "/" + database


def _admin(sql: str) -> None:
    import psycopg

    url = _server_url("postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of the test server's maintenance database; skipped (never in CI) without."""
    if not os.environ.get(POSTGRES_URL_ENV):
        reason = os.environ.get(POSTGRES_SKIP_ENV) or (
            f"no PostgreSQL test server (${POSTGRES_URL_ENV} unset: run the tests with "
            "python3 .ci/bootstrap.py test)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must test on PostgreSQL, but: {reason}")
        pytest.skip(reason)
    return _server_url("postgres")


@pytest.fixture(scope="session")
def _postgres_template(postgres_server: str, _built_data_dir: Path) -> str:
    from explorer.services.pin_service import AccessService
    from explorer.services.stores import open_stores
    from explorer.store.backend.postgres import parse_server_url

    name = f"explorer_template_{os.getpid()}"
    _admin(f"DROP DATABASE IF EXISTS {name}")
    _admin(f"CREATE DATABASE {name}")
    stores = open_stores(backend_for(_built_data_dir, parse_server_url(_server_url(name))))
    AccessService(stores.clinic).set_pin(TEST_PIN, TEST_PIN, clinician="test set-up")
    stores.close()
    yield name
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


_clones = iter(range(1, 1_000_000))


@pytest.fixture
def new_postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (its URL); dropped after the test."""
    request.getfixturevalue("postgres_server")
    name = f"explorer_empty_{os.getpid()}_{next(_clones)}"
    _admin(f"CREATE DATABASE {name}")
    yield _server_url(name)
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``sqlite`` or ``postgres``: which engine ``open_stores(backend_of(data_dir))`` opens."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    if "empty_database" in request.fixturenames:  # no clone: that fixture makes an empty one
        yield "postgres"
        return
    template = request.getfixturevalue("_postgres_template")
    name = f"explorer_test_{os.getpid()}_{next(_clones)}"
    _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    monkeypatch.setenv("EXPLORER_DATABASE_URL", _server_url(name))
    yield "postgres"
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def empty_database(database: str, request: pytest.FixtureRequest, monkeypatch) -> str:
    """Like ``database``, for a first start: on PostgreSQL, ``$EXPLORER_DATABASE_URL`` names a
    new, empty database (as on a server the clinic's IT has just created)."""
    if database == "postgres":
        url = request.getfixturevalue("new_postgres_database")
        monkeypatch.setenv("EXPLORER_DATABASE_URL", url)
    return database
