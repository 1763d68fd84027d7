"""The store's bulk writer (store/bulk.py) writes what SQLAlchemy's own executemany would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from orchestrator.store import open_store
from orchestrator.store.bulk import executemany

AT = datetime(2026, 11, 20, 8, tzinfo=UTC)
EAST8 = timezone(timedelta(hours=8))


def tables(engine: Engine) -> tuple[Table, Table]:
    meta = MetaData()

    def one(name: str) -> Table:
        return Table(
            name,
            meta,
            Column("key", String(32), primary_key=True),
            Column("at", DateTime(timezone=True)),
            Column("day", Date, nullable=True),
            Column("figures", JSON),
            Column("note", String(64), nullable=True),
            Column("count", Integer, default=0),
        )

    pair = one("bulk_sqlalchemy"), one("bulk_ours")
    meta.create_all(engine)
    return pair


def rows() -> list[dict[str, Any]]:
    """Rows that share a datetime object, one instant in two zones, None, non-ASCII JSON, a big integer."""
    return [
        {
            "key": "a",
            "at": AT,
            "day": AT.date(),
            "figures": {"p95": 0.25, "名称": "市场监管"},
            "note": None,
            "count": 1,
        },
        {"key": "b", "at": AT, "day": None, "figures": {}, "note": "同一时刻", "count": 2},
        {
            "key": "c",
            "at": AT.astimezone(EAST8),
            "day": date(2026, 1, 1),
            "figures": [1, 2],
            "note": "",
            "count": 3,
        },
        {
            "key": "d",
            "at": AT + timedelta(seconds=1),
            "day": None,
            "figures": {"big": 2**70},
            "note": "x",
            "count": 4,
        },
    ]


def raw(engine: Engine, table: Table) -> list[tuple[Any, ...]]:
    """What the driver reads back, unconverted: SQLite's stored text, PostgreSQL's values."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table.name} ORDER BY key")]


def upsert(engine: Engine) -> Any:
    return postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert


def test_rows_are_stored_as_sqlalchemys_own_executemany_stores_them(fresh_store_url: str) -> None:
    engine = open_store(fresh_store_url)
    theirs, ours = tables(engine)
    with Session(engine) as s, s.begin():
        s.execute(insert(theirs), rows())
        executemany(s, insert(ours), rows())
    stored = raw(engine, ours)
    assert stored == raw(engine, theirs)
    if engine.dialect.name == "sqlite":  # the same instant in two zones is written as given, not remembered
        assert len({r[1] for r in stored}) == 3
    with engine.connect() as conn:
        read = {r.key: r for r in conn.execute(select(ours))}
    assert read["a"].figures["名称"] == "市场监管" and read["d"].figures["big"] == 2**70
    assert read["b"].note == "同一时刻" and read["b"].day is None


def test_an_upsert_updates_the_rows_it_finds(fresh_store_url: str) -> None:
    engine = open_store(fresh_store_url)
    _, ours = tables(engine)
    with Session(engine) as s, s.begin():
        executemany(s, insert(ours), rows())
    later = [{**r, "note": f"again {r['key']}", "count": 10 * r["count"]} for r in rows()[:2]]
    statement = upsert(engine)(ours)
    with Session(engine) as s, s.begin():
        executemany(
            s,
            statement.on_conflict_do_update(
                index_elements=[ours.c.key],
                set_={
                    "note": statement.excluded.note,
                    "count": ours.c["count"] + statement.excluded["count"],
                },
            ),
            later,
        )
    with engine.connect() as conn:
        read = {r.key: (r.note, r.count) for r in conn.execute(select(ours))}
    assert read == {"a": ("again a", 11), "b": ("again b", 22), "c": ("", 3), "d": ("x", 4)}


def test_a_left_out_column_with_a_python_default_is_refused(tmp_path: Any) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    _, ours = tables(engine)
    with Session(engine) as s, s.begin(), pytest.raises(ValueError, match="Python-side default"):
        executemany(s, insert(ours), [{k: v for k, v in r.items() if k != "count"} for r in rows()])


class Typed(TypeDecorator[str]):
    """Writes each value with its type's name: a conversion that tells 1, 1.0 and True apart."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str:
        return f"{type(value).__name__}:{value}"


def test_values_equal_but_of_other_types_are_each_converted_as_given(tmp_path: Any) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    meta = MetaData()
    t = Table("typed", meta, Column("key", String(8), primary_key=True), Column("value", Typed()))
    meta.create_all(engine)
    given = [{"key": "i", "value": 1}, {"key": "f", "value": 1.0}, {"key": "b", "value": True}]
    with Session(engine) as s, s.begin():
        executemany(s, insert(t), given)
    with engine.connect() as conn:
        stored = dict(conn.exec_driver_sql("SELECT key, value FROM typed").all())
    assert stored == {"i": "int:1", "f": "float:1.0", "b": "bool:True"}
