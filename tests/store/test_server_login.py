"""Logging in as the clinic's own role, as docs/several-pcs.md sets it up: a password-protected
(scram-sha-256) login role that is no superuser and owns the database, its password from a
pgpass file or the OS keyring (an in-memory one here), ``explorer db password`` storing it
after a checked login, and one-line messages naming the command when the login is refused.
The password never appears in a message, a log line, the URL, a file or the server's list of
connections."""

from __future__ import annotations

import io
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from explorer.cli import main
from explorer.errors import UserFacingError
from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
from explorer.store.backend import migrate
from explorer.store.backend.postgres import KEYRING_SERVICE, parse_server_url
from explorer.store.kb_tables import kb_treatment
from tests.conftest import _admin, _server_url
from tests.engines import backend_for

LOGIN_ROLE_ENV = "EXPLORER_TEST_POSTGRES_LOGIN_ROLE"

_databases = iter(range(1, 1_000_000))


@dataclass(frozen=True)
class ClinicLogin:
    """A database owned by the clinic's login role, and how to reach it."""

    role: str
    password: str
    host: str
    port: int
    database: str

    @property
    def url(self) -> str:
        """The URL every PC is started with (no password in it)."""
        return f"postgresql://{self.role}@{self.host}:{self.port}/{self.database}"

    @property
    def key(self) -> str:
        return f"{self.role}@{self.host}"


def _set_password(role: str, password: str) -> None:
    """What psql's ``\\password ROLE`` does: the SCRAM verifier is computed here, so the server
    never sees the password itself."""
    import psycopg

    url = _server_url("postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        verifier = connection.pgconn.encrypt_password(
            password.encode(), role.encode(), b"scram-sha-256"
        )
        connection.execute(
            psycopg.sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                psycopg.sql.Identifier(role), psycopg.sql.Literal(verifier.decode())
            )
        )


@pytest.fixture
def clinic_login(
    postgres_server: str, memory_keyring: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[ClinicLogin]:
    """docs/several-pcs.md step 2 on the test server, with a new password for each test; no
    password anywhere yet (empty keyring, no pgpass file, no $PGPASSWORD)."""
    role = os.environ.get(LOGIN_ROLE_ENV)
    if not role:
        reason = f"the test server has no password-protected role (${LOGIN_ROLE_ENV} unset)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    database = f"explorer_login_{os.getpid()}_{next(_databases)}"
    password = secrets.token_urlsafe(18)
    # docs/several-pcs.md, step 2 (psql as postgres), word for word but for the names:
    _admin(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
    try:
        _set_password(role, password)  # \password explorer
        _admin(f"CREATE DATABASE {database} OWNER {role}")
        port = int(postgres_server.rsplit(":", 1)[1].split("/", 1)[0])
        yield ClinicLogin(role, password, "127.0.0.1", port, database)
    finally:
        _admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        _admin(f"DROP ROLE IF EXISTS {role}")


def _pgpass(login: ClinicLogin, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passfile = folder / "pgpass"
    passfile.write_text(
        f"{login.host}:{login.port}:{login.database}:{login.role}:{login.password}\n"
    )
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))


def _no_password_in_files(folder: Path, password: str, *, besides: Path | None = None) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and path != besides:
            assert password.encode() not in path.read_bytes(), path


@pytest.mark.postgres_only
def test_the_clinic_role_works_with_its_password_in_a_pgpass_file(
    clinic_login: ClinicLogin,
    isolated_environment: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _pgpass(clinic_login, tmp_path, monkeypatch)
    stores = open_stores(backend_for(isolated_environment, parse_server_url(clinic_login.url)))
    try:
        assert migrate.current_revision(stores.knowledge) == migrate.HEADS["knowledge"]
        assert migrate.current_revision(stores.clinic) == migrate.HEADS["clinic"]
        with stores.knowledge.connect() as connection:
            treatments = connection.execute(select(func.count()).select_from(kb_treatment))
            assert treatments.scalar_one() > 10
        consults = ConsultService(stores.clinic, clinician="Dr Owner")
        started = consults.start(condition=None, treatments=["tens"], patient_label="A.B.")
        consults.save(replace(started, notes_html="<p>Walks 2 km.</p>", plan="Review in 6 weeks"))
        again = consults.get(started.id)
        assert again is not None and (again.notes_html, again.plan) == (
            "<p>Walks 2 km.</p>",
            "Review in 6 weeks",
        )
        with stores.clinic.connect() as connection:
            who = connection.execute(
                text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
            ).one()
            assert tuple(who) == (clinic_login.role, False)
            assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar_one() >= 2
        for change in ("UPDATE audit_event SET detail = 'changed'", "DELETE FROM audit_event"):
            with stores.clinic.connect() as connection:
                with pytest.raises(DBAPIError, match="append-only"):
                    connection.execute(text(change))
                connection.rollback()
    finally:
        stores.close()
    assert clinic_login.password not in caplog.text
    _no_password_in_files(tmp_path, clinic_login.password, besides=tmp_path / "pgpass")


@pytest.mark.postgres_only
def test_the_password_from_the_keyring_logs_in_and_is_nowhere_else(
    clinic_login: ClinicLogin,
    memory_keyring: object,
    isolated_environment: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import psycopg

    caplog.set_level(logging.DEBUG)
    memory_keyring.passwords[(KEYRING_SERVICE, clinic_login.key)] = clinic_login.password  # type: ignore[attr-defined]
    target = parse_server_url(clinic_login.url)
    stores = open_stores(backend_for(isolated_environment, target))
    try:
        consult = ConsultService(stores.clinic).start(condition=None, treatments=["tens"])
        assert ConsultService(stores.clinic).get(consult.id) is not None
        with stores.clinic.connect():  # this PC's connection, as the server lists it
            admin_url = _server_url("postgres").replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(admin_url) as admin:
                listed = admin.execute(
                    "SELECT application_name, query, usename FROM pg_stat_activity "
                    "WHERE usename = %s",
                    (clinic_login.role,),
                ).fetchall()
            assert listed
            for application, query, _user in listed:
                assert application.startswith("SpineTreatmentExplorer on ")
                assert clinic_login.password not in f"{application} {query}"
    finally:
        stores.close()
    for shown in (target.url, target.describe(), repr(stores.clinic.url), caplog.text):
        assert clinic_login.password not in shown
    assert target.url == f"postgresql+psycopg://{clinic_login.key}:{clinic_login.port}/" + (
        clinic_login.database
    )
    _no_password_in_files(tmp_path, clinic_login.password)


def _one_line_naming_the_command(message: str, login: ClinicLogin) -> None:
    assert "\n" not in message.strip() and "Traceback" not in message
    assert f"The server refused the login of {login.role}" in message
    assert f"explorer db password --database-url {login.url}" in message


@pytest.mark.postgres_only
def test_no_password_stored_says_which_command_stores_it(
    clinic_login: ClinicLogin, isolated_environment: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(UserFacingError) as caught:
        open_stores(backend_for(isolated_environment, parse_server_url(clinic_login.url)))
    _one_line_naming_the_command(str(caught.value), clinic_login)
    assert "no password is stored on this PC" in str(caught.value)
    assert clinic_login.password not in caplog.text


@pytest.mark.postgres_only
def test_a_wrong_password_is_refused_in_one_line_without_showing_it(
    clinic_login: ClinicLogin,
    memory_keyring: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-" + secrets.token_urlsafe(12)
    memory_keyring.passwords[(KEYRING_SERVICE, clinic_login.key)] = wrong  # type: ignore[attr-defined]
    assert main(["db", "info", "--database-url", clinic_login.url]) == 3
    out, err = capsys.readouterr()
    _one_line_naming_the_command(err, clinic_login)
    assert "was not accepted" in err and err.startswith("explorer: ")
    for secret in (wrong, clinic_login.password):
        assert secret not in out + err + caplog.text


# --- explorer db password ------------------------------------------------------------------


def _stdin(monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(line))


@pytest.mark.postgres_only
def test_db_password_checks_the_login_then_stores_it_in_the_keyring(
    clinic_login: ClinicLogin,
    memory_keyring: object,
    isolated_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stored = memory_keyring.passwords  # type: ignore[attr-defined]
    _stdin(monkeypatch, clinic_login.password + "\n")
    assert main(["db", "password", "--stdin", "--database-url", clinic_login.url]) == 0
    out, err = capsys.readouterr()
    assert out == f"Password stored for {clinic_login.key}; login checked.\n" and err == ""
    assert stored == {(KEYRING_SERVICE, clinic_login.key): clinic_login.password}

    assert main(["db", "info", "--database-url", clinic_login.url]) == 0  # the PC now logs in
    assert clinic_login.database in capsys.readouterr().out

    assert main(["db", "password", "--forget", "--database-url", clinic_login.url]) == 0
    assert capsys.readouterr().out == f"Password forgotten for {clinic_login.key}.\n"
    assert stored == {}
    assert main(["db", "password", "--forget", "--database-url", clinic_login.url]) == 0
    assert "No password was stored" in capsys.readouterr().out


@pytest.mark.postgres_only
def test_db_password_stores_nothing_when_the_server_refuses_it(
    clinic_login: ClinicLogin,
    memory_keyring: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = "typo-" + secrets.token_urlsafe(12)
    _stdin(monkeypatch, wrong + "\n")
    assert main(["db", "password", "--stdin", "--database-url", clinic_login.url]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "\n" not in err.strip()
    assert f"The server refused this password for {clinic_login.role}" in err
    assert "nothing was stored" in err and wrong not in err
    assert memory_keyring.passwords == {}  # type: ignore[attr-defined]


@pytest.mark.postgres_only
def test_db_password_asks_twice_without_echo(
    clinic_login: ClinicLogin,
    memory_keyring: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import getpass

    answers = iter([clinic_login.password, clinic_login.password + "x"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert main(["db", "password", "--database-url", clinic_login.url]) == 2
    assert "the two passwords differ; nothing was stored" in capsys.readouterr().err
    assert memory_keyring.passwords == {}  # type: ignore[attr-defined]

    prompts: list[str] = []
    answers = iter([clinic_login.password] * 2)
    monkeypatch.setattr(
        getpass, "getpass", lambda prompt="": prompts.append(prompt) or next(answers)
    )
    assert main(["db", "password", "--database-url", clinic_login.url]) == 0
    assert clinic_login.key in prompts[0] and len(prompts) == 2
    assert memory_keyring.passwords == {  # type: ignore[attr-defined]
        (KEYRING_SERVICE, clinic_login.key): clinic_login.password
    }


@pytest.mark.postgres_only
def test_without_a_keyring_db_password_still_checks_the_password_first(
    clinic_login: ClinicLogin,
    memory_keyring: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Found in review: with no keyring, a wrong and a right password got the same answer
    (the pgpass advice) before any login: now the server's verdict comes first."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    _stdin(monkeypatch, "typo-" + secrets.token_urlsafe(8) + "\n")
    assert main(["db", "password", "--stdin", "--database-url", clinic_login.url]) == 3
    assert "The server refused this password" in capsys.readouterr().err
    _stdin(monkeypatch, clinic_login.password + "\n")
    assert main(["db", "password", "--stdin", "--database-url", clinic_login.url]) == 3
    err = capsys.readouterr().err
    assert "The server accepted the password, but no OS keyring is usable" in err
    assert "pgpass" in err and clinic_login.password not in err
