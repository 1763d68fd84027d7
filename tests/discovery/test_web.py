"""The department's page of what discovery found: its undeclared dependencies, the peers outside, the corrections
with the window each needs, and its plan with them accepted; another department sees none of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from orchestrator.plan import MigrationPlan
from orchestrator.policy import PolicySettings
from tests.discovery.test_cli import ALPHA, BETA, PLAN, _observed
from tests.web.conftest import Web, build

DEPT = "630000-OBS"
USERS = {"obs": ("department", DEPT), "czt": ("department", "630000-CZT"), "ops": ("ops", None)}


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    w = build(None, PolicySettings(), site=False, plans=(PLAN,), users=USERS)
    yield w
    w.close()


def test_before_any_observation_the_department_is_told_so(web: Web) -> None:
    r = web.client("obs").get(f"/api/plans/{DEPT}/observed")
    assert r.status_code == 200 and r.json()["observed"] is False
    # the old address (in mail and notes) leads to the console's page, which says so in words
    page = web.login("obs").get(f"/plans/{DEPT}/observed", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/app/observed/{DEPT}"


def test_the_department_sees_its_findings_and_its_plan_with_them_accepted(web: Web) -> None:
    _observed(web.root / "render")
    r = web.client("obs").get(f"/api/plans/{DEPT}/observed")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["undeclared"] == [{"from": ALPHA, "to": BETA, "port": 5432}]
    assert [c["to"] for c in doc["outside"]] == ["172.16.8.8:443"]
    assert [(c["field"], c["measured"]) for c in doc["corrections"]] == [
        ("deployment.databases[0].size_gb", 9.0)
    ]
    proposal = MigrationPlan.model_validate(yaml.safe_load(doc["proposal"]))
    alpha, beta = proposal.systems
    assert alpha.depends_on == ["beta"] and beta.deployment.databases[0].size_gb == 9.0
    assert any("measures 9 GB" in c["en"] and "实测 9 GB" in c["zh"] for c in doc["corrections"])
    # what the console shows of it, in words and by name: tests/discovery/test_observed_console.py


def test_another_department_sees_nothing_and_a_broken_file_says_so_without_a_path(web: Web) -> None:
    assert web.client("czt").get(f"/api/plans/{DEPT}/observed").status_code == 404
    assert web.login("czt").get(f"/plans/{DEPT}/observed", follow_redirects=False).status_code == 404
    assert web.client("ops").get(f"/api/plans/{DEPT}/observed").status_code == 200
    broken: Path = web.root / "render" / "observed.yaml"
    broken.write_text("connections: [{from: x}]\n", encoding="utf-8")
    r = web.client("obs").get(f"/api/plans/{DEPT}/observed")
    assert r.status_code == 503 and r.json()["zh"] and r.json()["en"]
    assert str(web.root) not in r.text
