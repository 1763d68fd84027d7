"""The monitor's records on SQLite and PostgreSQL: a cycle lands whole, usage accumulates per day, rows update."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.monitor import measured_usage
from orchestrator.store import HealthStore, aware, open_store
from orchestrator.store.health import Change, StateRow, UsageSample

AT = datetime(2026, 11, 20, 8, tzinfo=UTC)


def row(system: str, state: str, at: datetime) -> StateRow:
    return StateRow(
        system,
        system.split("/", maxsplit=1)[0],
        "extranet",
        "W01",
        state,
        "ok",
        at,
        None,
        0,
        {"probe_success": 1.0},
    )


def test_cycles_update_states_add_transitions_and_roll_usage_up_by_day(store_url: str) -> None:
    store = HealthStore(open_store(store_url))
    for n in range(3):  # two cycles on the 20th, one on the 21st
        at = AT + timedelta(hours=12 * n)
        state = "up" if n < 2 else "down"
        changes = [Change("D/a", "up", "down", "unreachable", "x")] if n == 2 else []
        usage = [UsageSample("D/a", 10.0, 5.0, n < 2, at), UsageSample("D/b", None, None, True, None)]
        store.record_cycle(at, 0.1, 10, True, [row("D/a", state, AT), row("D/b", "up", AT)], changes, usage)
    states = {s.system: s for s in store.states()}
    assert states["D/a"].state == "down" and aware(states["D/a"].updated_at) == AT + timedelta(hours=24)
    assert [(t.system, t.new) for t in store.transitions()] == [("D/a", "down")]
    days = {(u.system, u.day.isoformat()): u for u in store.usage()}
    assert days[("D/a", "2026-11-20")].requests == 20 and days[("D/a", "2026-11-20")].samples == 2
    assert days[("D/a", "2026-11-21")].up_samples == 0 and days[("D/b", "2026-11-20")].request_samples == 0
    report = measured_usage(store.usage(), AT.date() + timedelta(days=1), 30).by_system()
    assert report["D/a"].requests_per_day == 15 and report["D/a"].window_days == 2
    assert report["D/a"].cpu_percent == 5 and report["D/a"].last_request == AT.date() + timedelta(days=1)
    assert report["D/b"].requests_per_day is None  # no request metrics is not zero requests
    assert [c.systems for c in store.cycles()] == [2, 2, 2]


def test_history_counts_real_moves_and_the_year_of_samples(store_url: str) -> None:
    from orchestrator.store import Store
    from orchestrator.store.history import moved, watched

    engine = open_store(store_url)
    store = Store(engine, clock=lambda: AT)
    for record, check in (("H01", False), ("H01@check", True)):
        store.open_wave(record, ["H/a", "H/b"], "/tree", check, 1, "test")
        store.end_step(record, "H/a", "cutover", "done", True, "test")
    store.open_wave("H02", ["H/c"], "/tree", False, 1, "test")
    store.end_step("H02", "H/c", "verify", "failed", False, "test", "boom")
    assert {k: v for k, v in moved(engine).items() if k.startswith("H/")} == {
        "H/a": AT
    }  # b never finished, c failed, the check run moves nothing
    health = HealthStore(engine)
    for at, up in ((AT, True), (AT + timedelta(days=1), False), (datetime(2025, 12, 31, tzinfo=UTC), True)):
        health.record_cycle(
            at, 0.1, 10, True, [row("H/a", "up", at)], [], [UsageSample("H/a", None, None, up, None)]
        )
    assert watched(engine, 2026)["H/a"] == (1, 2) and watched(engine, 2025)["H/a"] == (1, 1)
