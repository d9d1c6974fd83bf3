"""Copy every table of one database (SQLite or PostgreSQL) into an empty one of the same
schema revision: in dependency order, in one transaction on the target, row counts
checked per table before the commit, PostgreSQL id sequences moved past the copied ids."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from sqlalchemy import Connection, MetaData, Table, func, select, text
from sqlalchemy.exc import DataError, IntegrityError

from explorer.store.problems import DatabaseProblem

BATCH = 1000


class TargetNotEmpty(Exception):
    """The target already holds data; nothing was copied."""


class CountMismatch(Exception):
    """A table's row count differs after the copy; the copy was rolled back."""


class ValueRefused(Exception):
    """The target refused a value of a row; the message names the table and the row ids,
    never the values (they may be consult notes)."""


def _ids(row: dict[str, object]) -> str:
    return str(row.get("id", row.get("key", row.get("slug", "?"))))


def row_counts(connection: Connection, metadata: MetaData) -> dict[str, int]:
    """Rows per table of ``metadata`` (in dependency order)."""
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in metadata.sorted_tables
    }


def _batches(connection: Connection, table: Table) -> Iterator[list[dict[str, object]]]:
    order = list(table.primary_key.columns) or list(table.columns)
    rows = connection.execute(select(table).order_by(*order)).mappings()
    while chunk := [dict(r) for r in islice(rows, BATCH)]:
        yield chunk


def _without_nul(chunk: list[dict[str, object]], table: Table, cleaned: list[str]) -> None:
    """PostgreSQL cannot store U+0000 in text, which SQLite (and older versions of this
    application) did; remove it, and note where (table, column, row id: never the text)."""
    for row in chunk:
        for column, value in row.items():
            if isinstance(value, str) and "\x00" in value:
                row[column] = value.replace("\x00", "")
                cleaned.append(f"{table.name} {_ids(row)} {column}")


def copy_tables(
    source: Connection,
    target: Connection,
    metadata: MetaData,
    cleaned: list[str] | None = None,
) -> dict[str, int]:
    """Copy every table of ``metadata`` from ``source`` into ``target`` (inside the caller's
    transaction on ``target``); returns the rows per table. Raises :class:`TargetNotEmpty`
    or :class:`CountMismatch` (the caller rolls back). Into PostgreSQL, NUL characters are
    removed from text, each place listed in ``cleaned``."""
    cleaned = [] if cleaned is None else cleaned
    present = {name: n for name, n in row_counts(target, metadata).items() if n}
    if present:
        listed = ", ".join(f"{n} in {name}" for name, n in present.items())
        raise TargetNotEmpty(f"the target already holds data ({listed})")
    expected = row_counts(source, metadata)
    for table in metadata.sorted_tables:
        for chunk in _batches(source, table):
            if target.dialect.name == "postgresql":
                _without_nul(chunk, table, cleaned)
            try:
                target.execute(table.insert(), chunk)
            except DatabaseProblem as exc:  # a server's refusal, already in words
                first, last = _ids(chunk[0]), _ids(chunk[-1])
                raise ValueRefused(
                    f"in table {table.name}, rows {first}–{last}: {exc}; nothing was copied"
                ) from None
            except (DataError, IntegrityError) as exc:
                first, last = _ids(chunk[0]), _ids(chunk[-1])
                kind = type(getattr(exc, "orig", exc)).__name__
                raise ValueRefused(
                    f"the target refused a value in table {table.name}, rows {first}–{last} "
                    f"({kind}); nothing was copied"
                ) from None
    copied = row_counts(target, metadata)
    if copied != expected:
        wrong = [f"{t}: {expected[t]} → {copied[t]}" for t in expected if expected[t] != copied[t]]
        raise CountMismatch(f"row counts differ after the copy ({'; '.join(wrong)})")
    if target.dialect.name == "postgresql":
        _reset_sequences(target, metadata)
    return copied


def _reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """Point each serial id's sequence past the largest copied id (the next insert on the
    server would otherwise collide with a copied row)."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column.autoincrement is not True and not (
                column.autoincrement == "auto" and len(table.primary_key.columns) == 1
            ):
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": f'"{table.name}"', "column": column.name},
            ).scalar()
            if sequence is None:
                continue
            connection.execute(
                text(
                    f'SELECT setval(:sequence, coalesce(max("{column.name}"), 1), '
                    f'max("{column.name}") IS NOT NULL) FROM "{table.name}"'
                ),
                {"sequence": sequence},
            )
