"""The server URL: PostgreSQL only, no password in it (keyring or pgpass instead), the
password looked up in the keyring under USER@HOST, --database-url taken from any position."""

from __future__ import annotations

import sys
import types

import pytest

from explorer.store.backend.postgres import (
    BadDatabaseUrl,
    keyring_password,
    parse_server_url,
)
from tests.engines import backend_for, backend_of


def test_a_postgres_url_is_normalised_to_psycopg() -> None:
    target = parse_server_url("postgresql://explorer@db.clinic:5433/explorer")
    assert target.url == "postgresql+psycopg://explorer@db.clinic:5433/explorer"
    assert target.describe() == "PostgreSQL database explorer on db.clinic:5433 as explorer"
    assert parse_server_url("postgres://u@h/d").url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://explorer:s3cret@db/explorer", "password"),
        ("postgresql://explorer@db/explorer?password=s3cret", "password"),
        ("postgresql://explorer@db/explorer?passfile=/tmp/x", "password"),
        ("sqlite:///clinic.sqlite", "PostgreSQL"),
        ("mysql://u@h/d", "PostgreSQL"),
        ("postgresql://u@h", "names no database"),
        ("not a url", "not a database URL"),
    ],
)
def test_unusable_urls_are_refused_with_the_reason(url: str, says: str) -> None:
    with pytest.raises(BadDatabaseUrl, match=says) as caught:
        parse_server_url(url)
    assert "s3cret" not in str(caught.value)


def test_the_environment_selects_the_server(monkeypatch, tmp_path) -> None:
    assert backend_of(tmp_path).server is None
    monkeypatch.setenv("EXPLORER_DATABASE_URL", "postgresql://u@h/d")
    monkeypatch.setenv("EXPLORER_LOCAL_KNOWLEDGE", "1")
    target = backend_of(tmp_path).server
    assert target is not None and target.local_knowledge


def test_the_password_comes_from_the_keyring_under_user_at_host(monkeypatch) -> None:
    asked = []

    def get_password(service: str, user: str) -> str:
        asked.append((service, user))
        return "from-keyring"

    monkeypatch.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=get_password))
    assert keyring_password("explorer", "db.clinic") == "from-keyring"
    assert asked == [("SpineTreatmentExplorer", "explorer@db.clinic")]


def test_no_keyring_backend_falls_back_to_pgpass(monkeypatch) -> None:
    def broken(service: str, user: str) -> str:
        raise RuntimeError("No recommended backend was available")

    monkeypatch.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=broken))
    assert keyring_password("explorer", "db.clinic") is None  # libpq then reads ~/.pgpass


def test_database_url_argument_anywhere_chooses_the_server(monkeypatch) -> None:
    import os

    from explorer.cli import backend_of as backend_of_arguments
    from explorer.cli import parse

    monkeypatch.delenv("EXPLORER_DATABASE_URL", raising=False)
    args = parse(["db", "info", "--database-url", "postgresql://u@h/d"])
    assert (args.command, args.db_command) == ("db", "info")
    server = backend_of_arguments(args).server
    assert server is not None and server.url == "postgresql+psycopg://u@h/d"
    args = parse(["--database-url=postgresql://u@h/e"])
    assert args.command is None  # the window
    server = backend_of_arguments(args).server
    assert server is not None and server.url == "postgresql+psycopg://u@h/e"
    assert "EXPLORER_DATABASE_URL" not in os.environ  # chosen once, never via the environment


def test_an_unreachable_server_is_a_clear_message(tmp_path) -> None:
    from explorer.errors import UserFacingError
    from explorer.services.stores import open_stores

    # port 9 (discard) on loopback: nothing listens; refused at once
    target = parse_server_url("postgresql://explorer@127.0.0.1:9/explorer")
    with pytest.raises(UserFacingError, match="database server could not be used"):
        open_stores(backend_for(tmp_path, target))
