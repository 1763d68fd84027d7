"""The engine prerequisites preflight reads from a source database (`govmig_db` op `prereq`, run by the precheck
days before the night) beyond its settings: the replication slots and WAL senders the move will take (the
subscription's and one per table copied at once), and versions replication can go between. Against a real
PostgreSQL server whose slots are filled on purpose; the version rules, which need servers of other versions than
this machine has, through the module's own functions."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import make_url

from tests.conftest import new_database
from tests.datamove.test_faults import _module


@pytest.fixture(scope="module")
def module() -> ModuleType:
    return _module()


def _side(url: str) -> dict[str, Any]:
    u = make_url(url)
    return {
        "host": u.host,
        "port": u.port,
        "dbname": u.database,
        "admin_user": u.username,
        "admin_password": u.password,
        "app_user": u.username,
        "app_password": u.password,
    }


def _problems(module: ModuleType, params: dict[str, Any]) -> list[dict[str, str]]:
    try:
        return list(module.prereq(params)["problems"])
    except module.Fail as refused:
        return list(refused.figures["problems"])


@pytest.fixture
def source(postgres_url: str, module: ModuleType) -> Iterator[dict[str, Any]]:
    side = _side(new_database(postgres_url))
    made: list[str] = []
    side["fill"] = made
    yield side
    with module._pg(side) as s:  # the server is the test worker's: its slots go back
        for name in made:
            module._rows(s, "SELECT pg_drop_replication_slot(%s)", (name,))


def _fill(module: ModuleType, side: dict[str, Any], leave: int) -> None:
    """Physical slots (they need no logical WAL) until only `leave` are free."""
    with module._pg(side) as s:
        most, used = module._rows(
            s,
            "SELECT current_setting('max_replication_slots')::int, (SELECT count(*) FROM pg_replication_slots)",
        )[0]
        for n in range(int(most) - int(used) - leave):
            name = f"govmig_test_fill_{n}"
            module._rows(s, "SELECT pg_create_physical_replication_slot(%s)", (name,))
            side["fill"].append(name)


def test_a_source_without_free_slots_for_the_subscription_and_its_copy_is_named(
    module: ModuleType, source: dict[str, Any]
) -> None:
    sides = {k: v for k, v in source.items() if k != "fill"}
    params = {"engine": "postgresql", "name": sides["dbname"], "source": sides, "target": sides}
    slots = [p for p in _problems(module, params) if "复制槽" in p["zh"]]
    assert slots == []  # a fresh server has room (its version is its own: no version problem either)
    assert not [p for p in _problems(module, params) if "版本" in p["zh"]]
    _fill(module, source, leave=2)  # the subscription and two tables copied at once need three
    slots = [p for p in _problems(module, params) if "复制槽" in p["zh"]]
    assert len(slots) == 1, slots
    assert "只有 2 个" in slots[0]["zh"] and "需要 3 个" in slots[0]["zh"], slots
    assert "2 replication slots free" in slots[0]["en"] and "max_replication_slots" in slots[0]["en"], slots
    with module._pg(source) as s:  # a move already begun has its slot: it takes none more
        module._rows(s, "SELECT pg_drop_replication_slot(%s)", (source["fill"].pop(),))
        module._rows(s, "SELECT pg_create_physical_replication_slot(%s)", (module._slot(params),))
        source["fill"].append(module._slot(params))
    assert not [p for p in _problems(module, params) if "复制槽" in p["zh"]]


def test_the_room_counts_what_the_move_takes(module: ModuleType) -> None:
    room = module._pg_room
    assert room((10, 0), (10, 0), False, 2) == []
    assert room((10, 7), (10, 0), False, 2) == []  # exactly three free
    [short] = room((10, 8), (10, 0), False, 2)
    assert "复制槽" in short[0] and "need" not in short[0] and "needs 3" in short[1]
    # no table copied at once: one for the subscription, and one is free
    assert room((10, 0), (4, 3), False, 0) == []
    [senders] = room((10, 0), (4, 4), False, 0)
    assert "max_wal_senders" in senders[1] and "needs 1" in senders[1] and "0 WAL senders free" in senders[1]
    assert len(room((1, 1), (0, 0), False, 2)) == 2  # both short, both named
    assert room((1, 1), (0, 0), True, 2) == []  # the slot exists: the move holds what it needs


@pytest.mark.parametrize(
    ("engine", "source", "target", "said"),
    [
        ("postgresql", "15.4 (Debian 15.4-1.pgdg120+1)", "16.2", None),
        ("postgresql", "15.4", "15.10", None),
        ("postgresql", "16.1", "15.4", "older than the source's 16.1"),
        ("postgresql", "9.6.24", "15.4", "PostgreSQL 10 or later"),
        ("postgresql", "15.4", None, None),  # the target does not answer yet: checked at presync
        ("mariadb", "10.11.6-MariaDB-0+deb12u1", "10.11.6-MariaDB-0+deb12u1", None),
        ("mariadb", "10.6.16-MariaDB", "10.11.6-MariaDB", None),
        ("mariadb", "10.11.6-MariaDB", "10.6.16-MariaDB", "older than the source's 10.11.6-MariaDB"),
        ("mysql", "8.0.36", "5.7.44", "older than the source's 8.0.36"),
        ("mysql", "8.0.36", "8.0.20", None),  # a minor release apart: the same major.minor
    ],
)
def test_replication_goes_only_to_the_same_version_or_a_newer_one(
    module: ModuleType, engine: str, source: str, target: str | None, said: str | None
) -> None:
    found = module._versions(engine, source, target)
    if said is None:
        assert found == []
    else:
        assert len(found) == 1 and said in found[0][1] and "版本" in found[0][0], found
