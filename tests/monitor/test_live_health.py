"""Against a real Prometheus, blackbox exporter and Alertmanager: up, slow, 5xx and stopped systems are each
reported as such within two cycles; a stopped Prometheus makes states unknown (never down) and fires nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import event

from orchestrator.monitor import Alertmanager, Monitor
from orchestrator.store.health import HealthStore
from tests.monitor import lab
from tests.monitor.conftest import SETTINGS, Stack


def settle(stack: Stack) -> None:
    """Waits (bounded) until Prometheus' latest probe of every stand-in shows its current mode: from here the
    monitor has two cycles to report it."""

    def expected(app: lab.App) -> tuple[float, float, bool]:
        """(probe_success, HTTP status, slow) the stand-in's current mode should show."""
        if app.server is None:
            return 0, 0, False
        return {"up": (1, 200, False), "slow": (1, 200, True), "error": (0, 500, False)}[app.mode]

    def seen() -> bool:
        got: dict[str, dict[str, float]] = {}
        for name in ("probe_success", "probe_http_status_code", "probe_duration_seconds"):
            for r in stack.query(f'{name}{{job="govmig-health"}}'):
                m = r["metric"]  # type: ignore[index]
                got.setdefault(f"{m['department']}/{m['system']}", {})[name] = float(r["value"][1])  # type: ignore[index]
        return all(
            (
                got.get(key, {}).get("probe_success"),
                got.get(key, {}).get("probe_http_status_code"),
                got.get(key, {}).get("probe_duration_seconds", 0) > SETTINGS.slow_seconds,
            )
            == expected(app)
            for key, app in stack.apps.items()
        )

    assert lab.wait_until(seen, 30, 0.25), "Prometheus never showed the change"


def two_cycles(monitor: Monitor) -> None:
    monitor.cycle()
    time.sleep(SETTINGS.interval_seconds)
    monitor.cycle()


def states(monitor: Monitor) -> dict[str, tuple[str, str]]:
    store: HealthStore = monitor.store
    return {h.system: (h.state, h.reason) for h in store.states()}


@pytest.fixture
def restored(stack: Stack) -> Stack:
    for app in stack.apps.values():
        app.mode = "up"
        if app.server is None:
            app.start()
    return stack


def test_up_slow_5xx_and_stopped_are_told_apart_within_two_cycles(restored: Stack, tmp_path: Path) -> None:
    stack = restored
    monitor = stack.monitor(tmp_path / "h.db")
    settle(stack)
    first = monitor.cycle()  # never seen before: one cycle alone reports nothing yet
    assert first.reachable and first.counts["unknown"] == len(stack.targets) and not first.changes
    assert {h.pending for h in monitor.store.states()} == {"up"}
    time.sleep(SETTINGS.interval_seconds)
    second = monitor.cycle()  # the second agrees
    assert second.counts["up"] == len(stack.targets), states(monitor)
    assert {(c.old, c.new) for c in second.changes} == {("unknown", "up")}
    up, slow, failing, stopped, _ = list(stack.apps)
    stack.apps[slow].mode = "slow"
    stack.apps[failing].mode = "error"
    stack.apps[stopped].stop()
    settle(stack)
    two_cycles(monitor)
    seen = states(monitor)
    assert seen[up] == ("up", "ok")
    assert seen[slow] == ("degraded", "slow")
    assert seen[failing] == ("down", "http_5xx")
    assert seen[stopped] == ("down", "unreachable")
    transitions = monitor.store.transitions()
    assert {(t.system, t.old, t.new) for t in transitions} >= {
        (slow, "up", "degraded"),
        (failing, "up", "down"),
        (stopped, "up", "down"),
    }
    assert all(t.at is not None for t in transitions)
    alerts = {
        (a["labels"]["system"], a["labels"]["alertname"], a["labels"]["severity"])
        for a in stack.active_alerts()
    }
    assert alerts == {
        (slow.split("/")[1], "GovmigSystemDegraded", "ticket"),
        (failing.split("/")[1], "GovmigSystemDown", "page"),
        (stopped.split("/")[1], "GovmigSystemDown", "page"),
    }
    # recovery: every system back, the alerts end at once
    for app in stack.apps.values():
        app.mode = "up"
    stack.apps[stopped].start()
    settle(stack)
    two_cycles(monitor)
    assert {s for s, _ in states(monitor).values()} == {"up"}
    assert stack.active_alerts() == []


def test_one_bad_scrape_does_not_flap(restored: Stack, tmp_path: Path) -> None:
    stack = restored
    monitor = stack.monitor(tmp_path / "h.db")
    settle(stack)
    two_cycles(monitor)
    flaky = next(iter(stack.apps))
    stack.apps[flaky].mode = "error"
    settle(stack)
    monitor.cycle()  # the failure is seen once ...
    stack.apps[flaky].mode = "up"
    assert states(monitor)[flaky] == ("up", "ok")
    row = {h.system: h for h in monitor.store.states()}[flaky]
    assert (row.pending, row.pending_count) == ("down", 1)
    settle(stack)
    monitor.cycle()  # ... and not again: the state never changed, no transition beyond the first sighting
    assert states(monitor)[flaky] == ("up", "ok")
    assert [(t.old, t.new) for t in monitor.store.transitions() if t.system == flaky] == [("unknown", "up")]


def test_a_steady_cycle_reads_no_state_and_a_second_monitor_hands_its_hysteresis_on(
    restored: Stack, tmp_path: Path
) -> None:
    """A monitor keeps its last states in memory: a steady cycle is one write transaction. When another
    monitor on the same store ran in between (a takeover), the first one's write is refused as stale and it
    judges again from what the other recorded: the pending failure the other saw counts toward the change."""
    stack = restored
    first, second = stack.monitor(tmp_path / "h.db"), stack.monitor(tmp_path / "h.db")
    first.alertmanager = second.alertmanager = (
        None  # its alerts are not this test's business: none left active
    )
    settle(stack)
    first.cycle()
    statements: list[str] = []
    engine = first.store.session.kw["bind"]
    event.listen(engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql))
    first.cycle()
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert reads and all("monitor_cycles" in s for s in reads), reads  # only the cycle id, no state or usage
    assert any("ON CONFLICT" in s and "usage_days" in s for s in statements)
    flaky = next(iter(stack.apps))
    stack.apps[flaky].mode = "error"
    settle(stack)
    second.cycle()  # the other monitor sees the failure once: pending, not yet down
    assert states(second)[flaky] == ("up", "ok")
    first.cycle()  # the second sighting is the first monitor's: with the other's pending, that confirms it
    assert states(first)[flaky] == ("down", "http_5xx")
    assert [(t.old, t.new) for t in first.store.transitions() if t.system == flaky][-1] == ("up", "down")


def test_prometheus_stopped_means_unknown_not_down_and_no_alert(restored: Stack, tmp_path: Path) -> None:
    stack = restored
    monitor = stack.monitor(tmp_path / "h.db")
    settle(stack)
    two_cycles(monitor)
    assert {s for s, _ in states(monitor).values()} == {"up"}
    mark = max(t.id for t in monitor.store.transitions())
    stack.prometheus.stop()
    try:
        results = [monitor.cycle(), monitor.cycle()]
        assert [r.reachable for r in results] == [False, False]
        assert set(states(monitor).values()) == {("unknown", "prometheus_unavailable")}
        assert sum(r.alerts_sent for r in results) == 0
        assert stack.active_alerts() == []
        assert not any(t.new == "down" for t in monitor.store.transitions())
    finally:
        stack.prometheus.start()
    settle(stack)
    two_cycles(monitor)
    assert {s for s, _ in states(monitor).values()} == {"up"}
    news = [(t.old, t.new) for t in monitor.store.transitions(after=mark)]
    assert news.count(("up", "unknown")) == len(stack.targets)
    assert news.count(("unknown", "up")) == len(stack.targets)
    assert len(news) == 2 * len(stack.targets)


def test_an_unreachable_alertmanager_never_costs_the_cycle_its_records(
    restored: Stack, tmp_path: Path
) -> None:
    stack = restored
    monitor = stack.monitor(tmp_path / "h.db")
    monitor.alertmanager = Alertmanager("http://127.0.0.1:9", timeout=1)
    victim = next(iter(stack.apps))
    stack.apps[victim].stop()
    settle(stack)
    results = [monitor.cycle(), monitor.cycle()]
    assert states(monitor)[victim] == ("down", "unreachable")
    assert results[-1].alerts_sent == 0 and len(monitor.store.cycles()) == 2


def test_the_watchdog_fires_and_a_stopped_blackbox_exporter_is_caught_live(restored: Stack) -> None:
    """The monitoring's own rules in the real Prometheus: the heartbeat fires all the time; with the blackbox
    exporter stopped every probe's scrape fails, and the prober-down alert goes pending at once (it pages after
    its two minutes)."""
    stack = restored

    def alert(name: str, state: str = "firing") -> bool:
        return bool(stack.query(f'ALERTS{{alertname="{name}",alertstate="{state}"}}'))

    assert lab.wait_until(lambda: alert("GovmigWatchdog"), 30, 0.5), "the heartbeat never fired"
    assert not alert("GovmigProberDown", "pending") and not alert("GovmigProberDown")
    stack.blackbox.stop()
    try:
        assert lab.wait_until(lambda: alert("GovmigProberDown", "pending"), 30, 0.5)
        assert alert("GovmigWatchdog")  # Prometheus itself still runs: the heartbeat goes on
    finally:
        stack.blackbox.start()
    assert lab.wait_until(lambda: not alert("GovmigProberDown", "pending"), 30, 0.5)
