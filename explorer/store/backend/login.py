"""This PC's password for the shared PostgreSQL server (``explorer db password``).

The password is stored in the OS keyring (Windows Credential Manager, macOS Keychain, Secret
Service on Linux) under service :data:`~explorer.store.backend.postgres.KEYRING_SERVICE` and key
``USER@HOST``, exactly where :func:`~explorer.store.backend.postgres.keyring_password` reads it, and
only after a login with it succeeded. Where no keyring is usable (common on Linux without a
desktop session), the message gives the PostgreSQL password file (pgpass) line instead.
The password is never put in a message, a log line, a URL or a process's arguments.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from explorer.errors import UserFacingError
from explorer.paths import APP_NAME
from explorer.store.backend.postgres import (
    CONNECT_TIMEOUT_S,
    KEYRING_SERVICE,
    ServerTarget,
    keyring_key,
    login_refused,
    server_problem,
)
from explorer.store.problems import DatabaseProblem

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend
    from sqlalchemy.engine import URL


def _url(target: ServerTarget) -> URL:
    from sqlalchemy.engine import make_url

    return make_url(target.url)  # checked by parse_server_url already


class NoKeyring(UserFacingError):
    """No OS keyring on this PC; the message gives the pgpass file alternative."""


class BadLogin(UserFacingError):
    """A URL that names no user: there is nothing to store a password for."""


def login_key(target: ServerTarget) -> str:
    """``USER@HOST``: the keyring entry of ``target``'s login."""
    url = _url(target)
    if not url.username:
        raise BadLogin(
            "The database URL names no user; give it as postgresql://USER@HOST:5432/DATABASE."
        )
    return keyring_key(url.username, url.host)


def pgpass_location() -> str:
    """Where libpq looks for this user's password file ($PGPASSFILE, else per OS)."""
    if os.environ.get("PGPASSFILE"):
        return os.environ["PGPASSFILE"]
    if sys.platform == "win32":
        return r"%APPDATA%\postgresql\pgpass.conf"
    return "~/.pgpass"


def pgpass_line(target: ServerTarget) -> str:
    """The password file's line for ``target``, with ``PASSWORD`` to replace."""
    url = _url(target)

    def field(value: str) -> str:
        return value.replace("\\", "\\\\").replace(":", "\\:")

    parts = [url.host or "localhost", str(url.port or 5432), url.database or "*"]
    return ":".join([*map(field, parts), field(url.username or "*"), "PASSWORD"])


def pgpass_advice(target: ServerTarget) -> str:
    """How to give the password without a keyring: the file, its line, its mode."""
    where = pgpass_location()
    mode = (
        "in your own profile"
        if sys.platform == "win32"
        else f"readable by you only (chmod 600 {where}; libpq ignores it otherwise)"
    )
    return f"put the line {pgpass_line(target)} in the PostgreSQL password file {where}, {mode}"


def usable_keyring(target: ServerTarget, *, login_checked: bool = False) -> KeyringBackend:
    """The OS keyring, or :class:`NoKeyring` saying to use the password file instead (and,
    with ``login_checked``, that the server accepted the password)."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a broken keyring install is "no keyring" too
        backend, why = None, type(exc).__name__
    else:
        why = "no keyring backend is available"
        if isinstance(backend, fail.Keyring | null.Keyring):
            backend = None
    if backend is None:
        accepted = "The server accepted the password, but no" if login_checked else "No"
        raise NoKeyring(
            f"{accepted} OS keyring is usable on this PC ({why}; common on Linux without a "
            f"desktop session), so the password was not stored. Instead, "
            f"{pgpass_advice(target)}."
        )
    return backend


def check_login(target: ServerTarget, password: str) -> None:
    """Log in to ``target`` with ``password`` and run ``SELECT 1``; a one-line
    :class:`DatabaseProblem` when the server refuses the password or cannot be reached."""
    import psycopg
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    url = _url(target)
    engine = create_engine(
        url.set(password=password),
        poolclass=NullPool,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": f"{APP_NAME} password check",
        },
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        original = exc.orig
        if isinstance(original, psycopg.OperationalError) and login_refused(original):
            raise DatabaseProblem(
                f"The server refused this password for {url.username} ({target.describe()}); "
                "nothing was stored. Check the password with the clinic's IT person."
            ) from None
        problem = server_problem(target, original) if original is not None else None
        if problem is None:
            raise
        raise DatabaseProblem(f"{problem} Nothing was stored.") from None
    finally:
        engine.dispose()


def store_password(target: ServerTarget, password: str) -> str:
    """Check the login with ``password``, then keep it in the OS keyring; ``USER@HOST``."""
    key = login_key(target)
    check_login(target, password)  # first: a wrong password is said even without a keyring
    backend = usable_keyring(target, login_checked=True)
    from keyring.errors import KeyringError

    try:
        backend.set_password(KEYRING_SERVICE, key, password)
    except KeyringError as exc:
        raise NoKeyring(
            f"The OS keyring refused to store the password ({type(exc).__name__}; the login "
            f"itself worked). Unlock the keyring and try again, or {pgpass_advice(target)}."
        ) from None
    return key


def forget_password(target: ServerTarget) -> bool:
    """Remove ``target``'s password from the OS keyring; False when none was stored."""
    from keyring.errors import PasswordDeleteError

    key = login_key(target)
    backend = usable_keyring(target)
    try:
        backend.delete_password(KEYRING_SERVICE, key)
    except PasswordDeleteError:
        return False
    return True
