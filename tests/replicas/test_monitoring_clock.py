"""One monitoring clock across processes: the holder renews it at each tick, the others run nothing while it
lives, a dead holder's clock is taken over (exactly one taker), and a clean stop hands it on at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestrator.monitor.clock import CLOCK, MonitorClock
from orchestrator.store import Leases, open_store


def test_one_holder_ticks_the_others_wait_until_it_goes_quiet(store_url: str) -> None:
    now = [datetime(2026, 12, 2, 8, 0, tzinfo=UTC)]
    leases = Leases(open_store(store_url), clock=lambda: now[0])
    first, second, third = (MonitorClock(leases, stale_after=45) for _ in range(3))
    assert [first.tick(), second.tick(), third.tick()] == [True, False, False]
    for _ in range(5):  # the holder keeps it, interval after interval
        now[0] += timedelta(seconds=15)
        assert [second.tick(), first.tick(), third.tick()] == [False, True, False]
    now[0] += timedelta(seconds=46)  # the holder went quiet: the next to tick takes over, and only it
    assert [second.tick(), third.tick()] == [True, False]
    assert first.tick() is False  # the old holder, back, finds it taken and runs nothing
    holder = leases.holder(CLOCK)
    assert holder is not None and holder.owner == second.owner
    second.release()
    assert third.tick() is True  # handed on at once after a clean stop


def test_the_takeover_and_the_hand_over_are_audited(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    now = [datetime(2026, 12, 2, 8, 0, tzinfo=UTC)]
    leases = Leases(engine, clock=lambda: now[0])
    a, b = MonitorClock(leases, stale_after=10), MonitorClock(leases, stale_after=10)
    assert a.tick() and not b.tick()
    now[0] += timedelta(seconds=11)
    assert b.tick()
    from sqlalchemy import text

    with engine.connect() as conn:
        actions = conn.execute(text("select action from audit where target = :t order by id"), {"t": CLOCK})
        assert list(actions.scalars()) == ["lease.take", "lease.takeover"]
