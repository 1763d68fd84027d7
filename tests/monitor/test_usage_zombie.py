"""Usage measured by the monitor feeds the zombie criteria: a migrated system that sits idle over the configured
window becomes a zombie candidate, and the decision cites the measurement; a used one does not."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from orchestrator.monitor import measured_usage
from orchestrator.plan import MigrationPlan
from orchestrator.policy import PolicySettings, assess
from tests.monitor import lab
from tests.monitor.conftest import Stack

WINDOW = 30
START = datetime(2026, 10, 1, 9, tzinfo=UTC)


def test_an_idle_migrated_system_becomes_a_zombie_candidate_citing_the_measurement(
    stack: Stack, tmp_path: Path, province_plans: list[MigrationPlan], province_settings: PolicySettings
) -> None:
    idle, busy = list(stack.apps)[:2]
    for app in stack.apps.values():
        app.mode = "up"
        if app.server is None:
            app.start()
    with httpx.Client(timeout=5) as client:
        for _ in range(40):  # business traffic for the busy one only, across several scrapes
            client.get(f"http://{stack.apps[busy].address}/work")
            lab.wait_until(lambda: False, 0.1)
    assert lab.wait_until(
        lambda: any(
            float(r["value"][1]) > 0
            for r in stack.query(  # type: ignore[index]
                f'rate(http_requests_total{{system="{busy.split("/")[1]}"}}[30s])'
            )
        ),
        10,
        0.5,
    )
    days = (START + timedelta(days=n) for n in itertools.count())
    monitor = stack.monitor(tmp_path / "h.db", clock=lambda: next(days))
    for _ in range(WINDOW + 1):  # one cycle per (simulated) day
        monitor.cycle()
    as_of = date(2026, 10, 1) + timedelta(days=WINDOW)
    usage = measured_usage(monitor.store.usage(), as_of, 180).by_system()
    assert usage[idle].requests_per_day == 0 and usage[idle].window_days == WINDOW + 1
    assert usage[idle].last_request is None
    assert usage[busy].requests_per_day and usage[busy].requests_per_day > 0
    assert usage[busy].last_request == as_of

    settings = province_settings.model_copy(
        update={"zombie": province_settings.zombie.model_copy(update={"z1_idle_business_days": WINDOW})}
    )
    decisions = {f"{d.department}/{d.system}": d for d in assess(province_plans, as_of, settings, usage)}
    before = {f"{d.department}/{d.system}": d for d in assess(province_plans, as_of, settings)}
    assert "zombie_candidate" not in before[idle].flags  # nothing declared makes it one ...
    z1 = [r for r in decisions[idle].reasons if r.rule == "Z1"]
    assert (
        "zombie_candidate" in decisions[idle].flags and decisions[idle].action == "retire"
    )  # ... the measurement does
    assert z1 and "实测" in z1[0].zh and f"no business request in {WINDOW + 1} days" in z1[0].en
    assert "zombie_candidate" not in decisions[busy].flags
