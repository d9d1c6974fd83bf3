"""What the user is told to do about the server password, without a server: the exact
``explorer db password`` command (never a password in it), the login refusals told apart from
other connection failures, and the pgpass file alternative when no OS keyring is usable."""

from __future__ import annotations

import io
import sys

import psycopg
import pytest

from explorer.cli import main
from explorer.store.backend.login import pgpass_location
from explorer.store.backend.postgres import (
    BadDatabaseUrl,
    parse_server_url,
    password_command,
    server_problem,
)

TARGET = parse_server_url("postgresql://explorer@db.clinic:5433/explorer")


def test_a_url_with_a_password_names_the_command_that_stores_it() -> None:
    with pytest.raises(BadDatabaseUrl) as caught:
        parse_server_url("postgresql://explorer:s3cret@db.clinic/explorer")
    message = str(caught.value)
    assert message.endswith(
        "explorer db password --database-url postgresql://explorer@db.clinic:5432/explorer"
    )
    assert "s3cret" not in message


def test_the_command_keeps_the_url_s_options_but_never_a_password() -> None:
    command = password_command("postgresql+psycopg://u@h/d?sslmode=require&password=s3cret")
    assert (
        command == 'explorer db password --database-url "postgresql://u@h:5432/d?sslmode=require"'
    )


@pytest.mark.parametrize(
    ("driver_text", "says"),
    [
        (
            'connection to server at "db.clinic", port 5433 failed: FATAL:  password '
            'authentication failed for user "explorer"',
            "the password stored on this PC was not accepted",
        ),
        (
            'connection to server at "db.clinic", port 5433 failed: fe_sendauth: no password '
            "supplied",
            "no password is stored on this PC",
        ),
    ],
)
def test_a_refused_login_says_how_to_store_the_password(driver_text: str, says: str) -> None:
    problem = server_problem(TARGET, psycopg.OperationalError(driver_text))
    assert problem is not None
    assert str(problem) == (
        "The server refused the login of explorer (PostgreSQL database explorer on "
        f"db.clinic:5433 as explorer; {says}): store this PC's password with: explorer db "
        "password --database-url postgresql://explorer@db.clinic:5433/explorer"
    )


def test_other_connection_failures_keep_the_could_not_be_used_message() -> None:
    problem = server_problem(
        TARGET, psycopg.OperationalError("connection refused\n\tIs the server running?")
    )
    assert problem is not None
    assert str(problem).startswith("The database server could not be used: PostgreSQL database")
    assert "(connection refused)" in str(problem)


def test_without_a_usable_keyring_forget_points_to_the_pgpass_file(
    memory_keyring: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # as on Linux without a desktop session
    monkeypatch.delenv("PGPASSFILE", raising=False)
    url = "postgresql://explorer@db.clinic:5433/explorer"
    assert main(["db", "password", "--forget", "--database-url", url]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "\n" not in err.strip()
    assert "No OS keyring is usable on this PC" in err
    assert "db.clinic:5433:explorer:explorer:PASSWORD" in err
    assert "~/.pgpass" in err and "chmod 600" in err


def test_the_pgpass_file_is_where_libpq_looks_on_each_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGPASSFILE", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    assert pgpass_location() == r"%APPDATA%\postgresql\pgpass.conf"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert pgpass_location() == "~/.pgpass"
    monkeypatch.setenv("PGPASSFILE", "/etc/explorer/pgpass")
    assert pgpass_location() == "/etc/explorer/pgpass"


def test_db_password_needs_the_server_and_a_password(
    memory_keyring: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "password", "--stdin"]) == 2
    assert "explorer db password --database-url postgresql://" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    url = "postgresql://explorer@db.clinic:5433/explorer"
    assert main(["db", "password", "--stdin", "--database-url", url]) == 2
    assert "no password given; nothing was stored" in capsys.readouterr().err
    assert main(["db", "password", "--stdin", "--database-url", "postgresql://db.clinic/x"]) == 3
    assert "names no user" in capsys.readouterr().err
    assert memory_keyring.passwords == {}  # type: ignore[attr-defined]
