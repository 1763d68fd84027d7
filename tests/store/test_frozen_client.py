"""A client frozen inside a transaction (a worker stopped by SIGSTOP between its heartbeat's UPDATE and its COMMIT,
a paused VM) holds nothing for long: PostgreSQL ends its session after the store's idle-in-transaction bound, so
its job's row lock and the audit chain's lock go, another worker takes the job over, audited changes go on, and
what the frozen client had begun is rolled back. (Without the bound the job stays skipped and every audited change
of the province waits for as long as the client stays frozen: CI once saw a takeover never come.)"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from orchestrator.store import AuditLog, RunQueue, Store, open_store
from orchestrator.store.audit_chain import CHAIN_LOCK
from orchestrator.store.seeding import SEED_LOCK, seeding
from tests.conftest import new_database

BOUND = 1.0  # the frozen client's bound (seconds); everything else keeps the default


def _soon(what: str, holds: Callable[[], bool], within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if holds():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} never happened")


def test_a_client_frozen_in_a_transaction_loses_its_locks_and_its_writes(postgres_url: str) -> None:
    url = new_database(postgres_url)
    frozen_engine, engine = open_store(url, idle_in_transaction=BOUND), open_store(url)
    queue, tree = RunQueue(engine), f"/tree-{uuid.uuid4().hex[:6]}"
    job = queue.enqueue("run", "W01", "W01", tree, "ops")
    claimed = RunQueue(frozen_engine).claim("frozen-worker", tree, stale_after=30)
    assert claimed is not None and claimed.id == job.id
    frozen = frozen_engine.connect()
    frozen.begin()
    frozen.execute(text("UPDATE run_queue SET detail = 'half-written' WHERE id = :id"), {"id": job.id})
    frozen.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    # ... and here the client stops: no COMMIT, no ROLLBACK, its connection still open

    audited = threading.Event()

    def audit() -> None:
        Store(engine).audit("ops-b", "test.audit", "W02", "ok")
        audited.set()

    writer = threading.Thread(target=audit, daemon=True)
    writer.start()
    taken: list[object] = []

    def take_over() -> bool:
        got = queue.claim("second-worker", tree, stale_after=0.5)
        if got is not None:
            taken.append(got)
        return got is not None

    time.sleep(0.6)  # the frozen worker's heartbeat is stale by now: only its lock could keep the job from us
    _soon("the takeover of the frozen worker's job", take_over)
    _soon("the audited change waiting on the chain's lock", audited.is_set)
    writer.join(timeout=5)
    again = queue.get(job.id)
    assert again is not None and (again.worker, again.claims) == ("second-worker", 2)
    assert again.detail != "half-written"  # the frozen transaction's write was rolled back
    assert [a.action for a in Store(engine).audit_log("W02")] == ["test.audit"]
    with pytest.raises(DBAPIError):  # the frozen client, woken, finds its session ended
        frozen.execute(text("SELECT 1"))
    frozen.close()
    report = AuditLog(engine).verify()  # the chain whole: the rolled-back holder left no half entry
    assert report.whole and report.entries >= 2, report
    frozen_engine.dispose()
    engine.dispose()


def test_the_seeders_lock_outlasts_the_bound(postgres_url: str) -> None:
    """The one lock the store holds across other work (seeding a site's plans, store/seeding.py) is held outside
    any transaction: a seed longer than the bound keeps it, and gives it back."""
    url = new_database(postgres_url)
    engine, other = open_store(url, idle_in_transaction=BOUND), open_store(url)

    def free() -> bool:
        with other.connect() as conn:
            got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": SEED_LOCK}))
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SEED_LOCK})
            return got

    with seeding(engine):
        time.sleep(3 * BOUND)  # a long seed: past the bound
        assert not free()  # still ours
    assert free()
    engine.dispose()
    other.dispose()
