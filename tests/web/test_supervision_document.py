"""The supervisors' dashboard as people read it: what needs no monitoring before the first cycle, then names
beside codes, Chinese reasons beside English, and times in the site's time zone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from orchestrator.policy import PolicySettings
from orchestrator.store import HealthStore
from orchestrator.store.health import StateRow
from tests.render.conftest import Rendered, rendered  # noqa: F401
from tests.web.conftest import OTHER, Web, build


@pytest.fixture(scope="module")
def fresh(rendered: Rendered, province_settings: PolicySettings) -> Iterator[Web]:  # noqa: F811
    w = build(rendered.out, province_settings, site=False)  # no wave runs here
    yield w
    w.close()


def test_zombies_and_deadline_risk_show_before_any_cycle_then_states_by_name(fresh: Web) -> None:
    c = fresh.client("supervisor")
    before = c.get("/api/dashboard").json()
    assert before["last_cycle"] is None and before["systems_total"] == 0
    assert before["zombies"], "the example province has zombie candidates: they need no monitoring"
    for z in before["zombies"]:
        assert z["name"] and z["name"] != z["system"] and z["department_name"] != z["system"].split("/")[0]
    assert all(x["name"] != x["system"] for x in before["late"])
    names = before["department_names"]
    assert names[OTHER] and names[OTHER] != OTHER

    system = next(z["system"] for z in before["zombies"])  # any planned system will do for the names
    at = datetime(2026, 11, 30, 8, 5, 59, 123456, tzinfo=UTC)
    row = StateRow(system, system.split("/")[0], "extranet", "W01", "down", "unreachable", at, None, 0, {})
    HealthStore(fresh.app.state.ctx.config.engine).record_cycle(at, 0.1, 10, True, [row], [], [])
    for _ in range(30):  # the health document is looked at again at most once a second
        after = c.get("/api/dashboard").json()
        if after["last_cycle"]:
            break
        time.sleep(0.1)
    assert after["last_cycle_local"] == "2026-11-30 16:05" and after["time_zone"] == "Asia/Shanghai"
    alert = next(a for a in after["alerts"] if a["system"] == system)
    assert alert["name"] == next(z["name"] for z in before["zombies"] if z["system"] == system)
    assert alert["department_name"] == names[system.split("/")[0]]
    assert (alert["state_zh"], alert["reason_zh"], alert["reason_en"]) == (
        "中断",
        "健康检查无法连接",
        "health check cannot connect",
    )
    assert alert["since_local"] == "2026-11-30 16:05" and alert["since"].startswith("2026-11-30T08:05:59")
    health = c.get("/api/health").json()
    assert health["systems"][0]["reason"] == "unreachable"  # the code, as scripts read it ...
    assert health["said"]["reasons"]["unreachable"]["zh"] == "健康检查无法连接"  # ... and its words, once
    assert health["said"]["states"]["down"] == "中断"
