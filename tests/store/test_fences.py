"""Fencing tokens: every take and takeover of a wave's lease raises its token; a run's writes through a stale one
are refused in their own transaction (Fenced) and leave nothing behind; a queue claim's token is its claim count.
On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest

from orchestrator.store import Fenced, Leases, RunQueue, Store, describe_failure, open_store


def test_a_taken_over_runner_writes_nothing(store_url: str) -> None:
    engine = open_store(store_url)
    leases, store = Leases(engine), Store(engine)
    wave = f"W{uuid.uuid4().hex[:8]}"
    assert leases.claim(wave, "first", "ops", "host-a", 1) is None
    held = leases.holder(wave)
    assert held is not None and held.token >= 1
    first = store.fenced(held.fence())
    first.open_wave(wave, ["630000-T/a"], "/t", False, 1, "ops")
    first.begin_step(wave, "630000-T/a", "precheck", "ops")
    assert leases.take_over(wave, "second", "ops", "host-b", 2, held)
    now = leases.holder(wave)
    assert now is not None and now.token == held.token + 1
    before = [(e.step, e.status) for e in store.step_log(wave)]
    for write in (
        lambda: first.end_step(wave, "630000-T/a", "precheck", "failed", False, "ops", "rc=0"),
        lambda: first.set_wave(wave, "paused", "ops"),
        lambda: first.begin_step(wave, "630000-T/a", "rollback", "ops"),
        lambda: first.add_events(wave, "630000-T/a", "precheck", [{"event": "x"}]),
        lambda: first.audit("ops", "rollback.discard_target_writes", f"{wave}/630000-T/a", "discarded"),
        first.still_held,
    ):
        with pytest.raises(Fenced) as refused:
            write()
        assert refused.value.token == held.token and refused.value.current == now.token
        assert "已由其他执行器接管" in refused.value.zh and "taken over" in refused.value.en
        assert describe_failure(refused.value) == (refused.value.zh, refused.value.en)  # the CLI says it
    assert [(e.step, e.status) for e in store.step_log(wave)] == before  # nothing of it written
    assert store.system(wave, "630000-T/a").state == "pending" and store.wave(wave).status == "running"  # type: ignore[union-attr]
    second = store.fenced(now.fence())
    second.end_step(wave, "630000-T/a", "precheck", "prechecked", True, "ops")
    leases.release(wave, "second")
    assert leases.claim(wave, "third", "ops", "host-c", 3) is None  # a released lease keeps its token
    assert leases.holder(wave).token == now.token + 1  # type: ignore[union-attr]
    with pytest.raises(Fenced):
        second.end_step(wave, "630000-T/a", "backup", "backed_up", True, "ops")


def test_a_revoked_fence_writes_nothing_without_asking(store_url: str) -> None:
    engine = open_store(store_url)
    leases, store = Leases(engine), Store(engine)
    wave = f"W{uuid.uuid4().hex[:8]}"
    assert leases.claim(wave, "only", "ops", "host-a", 1) is None
    fence = leases.holder(wave).fence()  # type: ignore[union-attr]
    log = store.fenced(fence)
    log.open_wave(wave, ["630000-T/a"], "/t", False, 1, "ops")
    fence.revoke()  # its queue claim was taken over: the run stops before the lease says so
    with pytest.raises(Fenced):
        log.begin_step(wave, "630000-T/a", "precheck", "ops")
    assert store.step_log(wave) == []


def test_a_queue_claim_is_fenced_by_its_count(store_url: str) -> None:
    queue = RunQueue(open_store(store_url))
    tree = f"/t/{uuid.uuid4().hex}"
    job = queue.enqueue("run", "W01", f"W{uuid.uuid4().hex[:8]}", tree, "ops")
    first = queue.claim("host-a:1:x", tree, stale_after=0.0)
    assert first is not None and first.claims == 1
    # a worker just back from a store outage takes nobody's job over: nobody could beat meanwhile
    assert queue.claim("host-b:2:y", tree, stale_after=0.0, take_over=False) is None
    again = queue.claim("host-a:1:x", tree, stale_after=0.0)  # the same worker took its own quiet job back
    assert again is not None and again.claims == 2
    assert queue.beat(job.id, "host-a:1:x", token=1) == (False, False)  # the first claim is over
    assert not queue.finish(job.id, "host-a:1:x", "failed", "stale", token=1)
    assert queue.finish(job.id, "host-a:1:x", "done", "ok", token=2)
