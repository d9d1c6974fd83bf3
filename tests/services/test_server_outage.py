"""The database server restarts or goes away during a consult (a PC loses the network, IT
restarts PostgreSQL): a save says so in words and keeps the text; when the server is back
the next save lands, on the same open window, without a restart."""

from __future__ import annotations

import os
from dataclasses import replace

import psycopg
import pytest

from explorer.errors import UserFacingError
from explorer.services.consults import ConsultService
from explorer.services.stores import open_stores
from tests.engines import backend_of

pytestmark = [pytest.mark.postgres_only, pytest.mark.usefixtures("database")]


def _admin(sql: str) -> None:
    url = os.environ["EXPLORER_TEST_POSTGRES_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


def _database() -> str:
    return os.environ["EXPLORER_DATABASE_URL"].rsplit("/", 1)[1]


def _drop_every_connection(name: str) -> None:
    _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )


def test_a_server_restart_between_saves_goes_unnoticed(data_dir) -> None:
    stores = open_stores(backend_of(data_dir))
    try:
        service = ConsultService(stores.clinic, clinician="Dr Rivera")
        consult = service.start(condition="sciatica", treatments=["tens"])
        _drop_every_connection(_database())  # the pooled connection is dead now
        saved = service.save(replace(consult, notes_html="<p>after the restart</p>"))
        assert service.get(saved.id).notes_html == "<p>after the restart</p>"
    finally:
        stores.close()


def test_an_unreachable_server_is_said_in_words_and_the_next_save_lands(data_dir) -> None:
    name = _database()
    stores = open_stores(backend_of(data_dir))
    try:
        service = ConsultService(stores.clinic, clinician="Dr Rivera")
        consult = service.start(condition="sciatica", treatments=["tens"])
        _admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        _drop_every_connection(name)
        try:
            with pytest.raises(UserFacingError) as down:
                service.save(replace(consult, notes_html="<p>typed while it was down</p>"))
        finally:
            _admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        message = str(down.value)
        assert message.startswith("The database server could not be used: PostgreSQL database")
        assert "typed while it was down" not in message and "Traceback" not in message
        saved = service.save(replace(consult, notes_html="<p>typed while it was down</p>"))
        assert saved.version == consult.version + 1
        assert service.get(consult.id).notes_html == "<p>typed while it was down</p>"
    finally:
        stores.close()
