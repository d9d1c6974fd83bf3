"""The PostgreSQL server mode: several PCs sharing one consult history and knowledge base.

A server target is a SQLAlchemy URL (``postgresql+psycopg://user@host:5432/dbname``) from
``--database-url`` or ``$EXPLORER_DATABASE_URL``. Both databases of a data folder live in
that one PostgreSQL database as two schemas, ``knowledge`` and ``clinic``, each with its own
``alembic_version``: one database for the IT person to create, back up and grant.

The password never appears in the URL (a URL with one is refused, so it cannot end up in a
settings file, a shell history or a process list): it comes from the OS keyring
(``keyring.get_password("SpineTreatmentExplorer", "<user>@<host>")``) or, when the keyring
has none, from libpq's password file (``~/.pgpass``, ``%APPDATA%\\postgresql\\pgpass.conf``
or ``$PGPASSFILE``), which psycopg reads by itself.
"""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explorer.paths import APP_NAME
from explorer.store.backend import BadDatabaseUrl
from explorer.store.backend.guard import WAIT_OPTION, WRITE_OPTION, check_write
from explorer.store.heads import Kind
from explorer.store.problems import DatabaseProblem, ProblemKind

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

KEYRING_SERVICE = APP_NAME
SCHEMAS: dict[Kind, str] = {"knowledge": "knowledge", "clinic": "clinic"}
CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_MS = 5000
"""How long a statement waits for a row another PC is writing (like SQLite's busy wait);
a write transaction given a longer wait (``writer(engine, wait_ms=…)``: a start waiting
for another PC's knowledge-base import) sets its own for the transaction."""


@dataclass(frozen=True)
class ServerTarget:
    """A PostgreSQL database shared by several PCs (no password in it)."""

    url: str
    local_knowledge: bool = False
    """Keep the knowledge base in this PC's data folder (only consults on the server)."""

    def describe(self) -> str:
        """``PostgreSQL dbname on host:port as user`` (for settings, About, ``db info``)."""
        url = _parse(self.url)
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
        who = f" as {url.username}" if url.username else ""
        return f"PostgreSQL database {url.database} on {where}{who}"


def _parse(text: str) -> URL:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text.strip())
    except ArgumentError as exc:
        raise BadDatabaseUrl(
            f"{text!r} is not a database URL; expected "
            "postgresql://USER@HOST:5432/DATABASE (see docs/several-pcs.md)."
        ) from exc


def parse_server_url(text: str, *, local_knowledge: bool = False) -> ServerTarget:
    """Check a ``--database-url``: PostgreSQL, a database named, no password in it."""
    url = _parse(text)
    backend = url.drivername.split("+", 1)[0]
    if backend not in ("postgresql", "postgres"):
        raise BadDatabaseUrl(
            f"--database-url must name a PostgreSQL server (postgresql://USER@HOST/DATABASE), "
            f"not {backend}. A single PC needs no URL: its data folder is used."
        )
    if url.password is not None or {"password", "passfile"} & {k.lower() for k in url.query}:
        raise BadDatabaseUrl(
            "The database URL contains a password; remove it: the password is kept in this "
            "PC's OS keyring or PostgreSQL password file (pgpass), never in a URL or a "
            f"settings file. Store it with: {password_command(url)}"
        )
    if not url.database:
        raise BadDatabaseUrl("The database URL names no database (…/DATABASE at the end).")
    url = url.set(drivername="postgresql+psycopg")
    return ServerTarget(url.render_as_string(hide_password=False), local_knowledge)


_SHELL_SAFE = frozenset(string.ascii_letters + string.digits + "@%+=:,./-_[]")


def password_command(url: URL | str) -> str:
    """``explorer db password --database-url postgresql://USER@HOST:PORT/DB``: the command
    that stores this PC's password for ``url`` (any password in ``url`` left out)."""
    if isinstance(url, str):
        url = _parse(url)
    from sqlalchemy.engine import URL

    query = {k: v for k, v in url.query.items() if k.lower() not in ("password", "passfile")}
    clean = URL.create(  # built anew: URL.set(password=None) would keep the password
        "postgresql",
        username=url.username or "USER",
        host=url.host or "localhost",
        port=url.port or 5432,
        database=url.database or "DATABASE",
        query=query,
    ).render_as_string(hide_password=False)
    if not set(clean) <= _SHELL_SAFE:
        clean = f'"{clean}"'  # a query (?a=b&c=d): quoted for every shell
    return f"explorer db password --database-url {clean}"


def keyring_key(user: str, host: str | None) -> str:
    """The OS keyring entry of a login: ``USER@HOST`` (service :data:`KEYRING_SERVICE`)."""
    return f"{user}@{host or 'localhost'}"


_LOGIN_REFUSED = ("password authentication failed", "no password supplied", "fe_sendauth")


def login_refused(error: BaseException) -> bool:
    """True when the server refused the login for want of the right password (psycopg's
    ``OperationalError`` text; the password itself is never in it)."""
    text = str(error).lower()
    return any(words in text for words in _LOGIN_REFUSED)


def keyring_password(user: str | None, host: str | None) -> str | None:
    """The password stored in the OS keyring for ``user@host``, or None (then pgpass)."""
    if not user:
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_key(user, host))
    except Exception as exc:  # noqa: BLE001 - no keyring backend is normal: pgpass then
        log.info("no password from the OS keyring (%s); libpq's password file is used", exc)
        return None


def server_engine(target: ServerTarget, kind: Kind) -> Engine:
    """An engine on the schema of ``kind`` in the server's database."""
    import platform

    from sqlalchemy import create_engine, event

    url = _parse(target.url)
    password = keyring_password(url.username, url.host)
    if password is not None:
        url = url.set(password=password)
    schema = SCHEMAS[kind]
    engine = create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,  # an error's text never carries consult notes into a log
        connect_args={
            "options": f"-csearch_path={schema} -clock_timeout={LOCK_TIMEOUT_MS}ms",
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": f"{APP_NAME} on {platform.node()}"[:63],
        },
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if not options.get(WRITE_OPTION):
            return
        wait = int(options.get(WAIT_OPTION, LOCK_TIMEOUT_MS))
        if wait != LOCK_TIMEOUT_MS:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{wait}ms'")
        check_write(connection, kind, target.describe())

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> Exception | None:
        if context.is_pre_ping:
            return None  # a dead pooled connection (server restarted): let the pool reconnect
        return server_problem(target, context.original_exception)

    return engine


def server_problem(target: ServerTarget, original: BaseException) -> DatabaseProblem | None:
    """A driver error that the user must act on (server unreachable, login refused, lock
    wait over), as a message; None for errors the code handles (constraint violations)."""
    import psycopg
    from psycopg import errors

    where = target.describe()
    if isinstance(
        original,
        errors.LockNotAvailable
        | errors.QueryCanceled
        | errors.DeadlockDetected
        | errors.SerializationFailure,
    ):
        return DatabaseProblem(
            f"The data is in use by another PC ({where}); try again in a moment.", locked=True
        )
    if isinstance(original, errors.DiskFull):
        return DatabaseProblem(
            f"The database server's disk is full ({where}): nothing more can be saved until "
            "the clinic's IT frees space on the server. What was saved before is intact.",
            writes_refused=True,
            kind=ProblemKind.FULL,
        )
    if isinstance(original, errors.InsufficientPrivilege):
        return DatabaseProblem(
            f"The server refused this change: the login has no permission for it ({where}). "
            "Ask the clinic's IT to make that login the database's owner (see "
            "docs/several-pcs.md).",
            kind=ProblemKind.NO_ACCESS,
        )
    if isinstance(original, errors.ReadOnlySqlTransaction):
        return DatabaseProblem(
            f"The database server accepts no changes now ({where}: read-only, e.g. a standby "
            "server or maintenance). Nothing was written; ask the clinic's IT.",
            writes_refused=True,
            kind=ProblemKind.READ_ONLY,
        )
    if isinstance(original, psycopg.DataError):
        return DatabaseProblem(
            f"The database server refused a value ({where}): a character or a length it "
            "cannot store. Nothing was written; remove unusual characters (pasted from "
            "another program?) and try again."
        )
    if isinstance(original, errors.UndefinedTable | errors.UndefinedColumn):
        return DatabaseProblem(
            f"The shared database ({where}) was changed by a newer version of the application "
            "on another PC. Update this PC (install the current version of the application) "
            "and start it again."
        )
    if isinstance(original, psycopg.OperationalError):
        if login_refused(original):
            user = _parse(target.url).username or "USER"
            why = (
                "no password is stored on this PC"
                if "no password supplied" in str(original).lower()
                else "the password stored on this PC was not accepted"
            )
            return DatabaseProblem(
                f"The server refused the login of {user} ({target.describe()}; {why}): store "
                f"this PC's password with: {password_command(target.url)}"
            )
        first = str(original).strip().splitlines()[0] if str(original).strip() else ""
        return DatabaseProblem(
            f"The database server could not be used: {target.describe()} ({first}). Check "
            "that this PC reaches the server and that the password is stored (see "
            "docs/several-pcs.md)."
        )
    return None


def ensure_schema(connection: Connection, kind: Kind) -> None:
    """Create the schema of ``kind`` when missing (inside the caller's transaction)."""
    from sqlalchemy import text

    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMAS[kind]}"))
