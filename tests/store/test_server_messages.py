"""Messages about the server name the server, not a file path; an empty --database-url is
refused instead of quietly meaning "this PC's data folder"."""

from __future__ import annotations

import os

import psycopg
import pytest

from explorer.cli import main
from explorer.errors import UserFacingError
from explorer.services.stores import open_stores
from explorer.store.backend.postgres import parse_server_url
from tests.engines import backend_for

EMPTY = [["--database-url", ""], ["--database-url=  "], ["--database-url"]]


@pytest.mark.parametrize("flag", EMPTY)
def test_an_empty_database_url_is_a_usage_error(flag, data_dir, capsys) -> None:
    assert main(["db", "info", *flag]) == 2
    err = capsys.readouterr().err
    assert "--database-url needs a URL: postgresql://USER@HOST:5432/DATABASE" in err
    assert "Traceback" not in err
    assert "EXPLORER_DATABASE_URL" not in os.environ


def test_another_programs_tables_in_the_clinic_schema_are_named_as_a_schema(
    new_postgres_database: str, tmp_path
) -> None:
    plain = new_postgres_database.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("CREATE SCHEMA clinic")
        connection.execute("CREATE TABLE clinic.appointments (id int)")
    with pytest.raises(UserFacingError) as refused:
        open_stores(backend_for(tmp_path / "data", parse_server_url(new_postgres_database)))
    message = str(refused.value)
    database = new_postgres_database.rsplit("/", 1)[1]
    assert message.startswith(f"The schema clinic of the PostgreSQL database {database} on ")
    assert "another program's tables (appointments)" in message
    assert "It was not changed" in message
    with psycopg.connect(plain) as connection:  # and it was not
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'clinic'"
        ).fetchall()
    assert tables == [("appointments",)]
