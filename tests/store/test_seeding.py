"""Replicas of `govmig serve --plans …` started together on one PostgreSQL seed the plans once: none dies on
`ux_plan_versions` (or on the departments' key), and every department has exactly one approved seed version."""

from __future__ import annotations

import threading
from pathlib import Path

from orchestrator.cli.web_cmds import seed
from orchestrator.store import Accounts, Reviews, open_store
from tests.conftest import new_database

PLANS = tuple(sorted((Path(__file__).parents[2] / "examples" / "province").glob("*.yaml")))
REPLICAS = 6


def test_replicas_seeding_one_postgresql_at_once_seed_each_department_once(postgres_url: str) -> None:
    url = new_database(postgres_url)
    open_store(url).dispose()  # the tables exist, as after the first replica's start
    engines = [open_store(url) for _ in range(REPLICAS)]  # each replica its own pool
    start, added, failed = threading.Barrier(REPLICAS), [0] * REPLICAS, []

    def replica(n: int) -> None:
        start.wait()
        try:
            added[n] = seed(Accounts(engines[n]), PLANS, f"govmig-serve-{n}")
        except BaseException as exc:  # what killed a replica: the test names it
            failed.append(f"replica {n}: {type(exc).__name__}: {str(exc)[:300]}")

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(REPLICAS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert failed == []
    assert sum(added) == len(PLANS)  # one replica (or several, one department each) seeded each plan once
    accounts, reviews = Accounts(engines[0]), Reviews(engines[0])
    codes = accounts.departments()
    assert len(codes) == len(PLANS)
    for code in codes:
        assert [v.version for v in accounts.versions(code)] == [1], code
        assert reviews.in_force(code) == 1 and reviews.of(code)[1].status == "approved", code
    for engine in engines:
        engine.dispose()
