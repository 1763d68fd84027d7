"""Many rows through one statement, each column's conversion looked up once, not once per row and value.

A monitoring cycle writes every system's state and its day's usage: 10,000 rows each, every interval. SQLAlchemy's
own executemany builds each row's parameters in Python (`construct_params`, then a bind processor per value), and
at that size this was most of the write. Here the statement is compiled once for the connection's dialect, with
the rows' columns; each column's bind processor (the dialect's own: DateTime to SQLite's text, JSON to its
serializer) is taken once; and the driver's executemany gets plain tuples or dicts, as the dialect's paramstyle
asks (SQLite's `?`, psycopg's `%(name)s`). The SQL is still SQLAlchemy's, so an upsert is what the caller spelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

__all__ = ["executemany"]


def executemany(s: Session, statement: ClauseElement, rows: Sequence[Mapping[str, Any]]) -> None:
    """Runs `statement` once per row in the session's transaction; every row has the same keys, the first's."""
    if not rows:
        return
    conn = s.connection()
    dialect = conn.dialect
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(rows[0])))
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        raise ValueError("a column the rows leave out has a Python-side default: give it in every row")
    positional = compiled.positiontup is not None
    names = list(compiled.positiontup if positional else compiled.binds)  # type: ignore[arg-type]
    get = itemgetter(*names)
    converted = [
        (i, convert)
        for i, name in enumerate(names)
        if (convert := _converter(compiled.binds[name].type, dialect)) is not None
    ]
    params: list[Any] = []
    for row in rows:
        values = list(get(row)) if len(names) > 1 else [get(row)]
        for i, convert in converted:
            values[i] = convert(values[i])
        params.append(tuple(values) if positional else dict(zip(names, values, strict=True)))
    conn.exec_driver_sql(compiled.string, params)


def _converter(kind: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor (None: the driver takes the value as it is); for a hashable type (a cycle's
    rows share their datetimes), remembered by value for this statement, so each distinct value is converted once."""
    process = kind.dialect_impl(dialect).bind_processor(dialect)
    if process is None or not kind.hashable:
        return process
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        # equal is not the same: one instant in two zones, or 1, 1.0 and True, each written as given
        key = (type(value), value, getattr(value, "tzinfo", None))
        try:
            return seen[key]
        except KeyError:
            seen[key] = out = process(value)
            return out

    return convert
