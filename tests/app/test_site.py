"""The one door: a Site built from one SiteConfig opens the store once and hands out the use cases grouped, and
the CLI and the web present what the same use case returns (the health words, the versions and their reviews,
the reports the registry holds)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from orchestrator.app import (
    REPORTS,
    Accounts,
    GatePolicy,
    Health,
    Plans,
    Reporting,
    ReportKind,
    Site,
    SiteConfig,
    Waves,
    said,
)
from orchestrator.cli.app import cli
from orchestrator.store import HealthStore, open_store
from orchestrator.store.health import StateRow
from orchestrator.web import WebConfig, create_app


def _site(tmp_path: Path) -> Site:
    return Site(SiteConfig(store=f"sqlite:///{tmp_path / 'govmig.db'}", tree=tmp_path / "tree"))


def test_a_site_opens_its_store_once_and_groups_the_use_cases(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert isinstance(site.plans, Plans) and isinstance(site.waves, Waves) and isinstance(site.health, Health)
    assert isinstance(site.reports, Reporting) and isinstance(site.accounts, Accounts)
    engine = site.engine
    assert (
        site.store.engine is engine
        and site.accounts.book.engine is engine
        and site.waves.queue.engine is engine
    )
    again = Site(SiteConfig(store=engine))  # an engine opened already is used as it is
    assert again.engine is engine and again.accounts.book.departments() == []


def test_the_web_stands_on_one_site(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
    config = WebConfig(engine=engine, tree=tmp_path, secret="s" * 32, executor=lambda *_: None)  # type: ignore[arg-type,return-value]
    app = create_app(config)
    site = app.state.ctx.site
    assert site.engine is engine and app.state.ctx.store is site.store
    assert app.state.portfolio is site.plans and app.state.runs is site.waves


def _one_cycle(url: str, reason: str) -> None:
    at = datetime(2026, 11, 30, 8, 5, tzinfo=UTC)
    row = StateRow("630000-FGW/a", "630000-FGW", "extranet", "W01", "down", reason, at, None, 0, {})
    HealthStore(open_store(url)).record_cycle(at, 0.1, 10, True, [row], [], [])


def test_the_health_table_says_the_reason_in_words_with_its_code_beside(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'govmig.db'}"
    _one_cycle(url, "unreachable")
    table = CliRunner(env={"COLUMNS": "400"}).invoke(cli, ["health", "--db", url])
    assert table.exit_code == 0, table.output
    assert "健康检查无法连接 health check cannot connect (unreachable)" in table.output
    doc = json.loads(CliRunner().invoke(cli, ["health", "--db", url, "--format", "json"]).output)
    assert doc["systems"][0]["reason"] == "unreachable"  # the code for scripts, its words once beside
    assert doc["said"]["reasons"]["unreachable"] == {
        "zh": "健康检查无法连接",
        "en": "health check cannot connect",
    }
    assert said("down", "http_404")["reason_en"] == "health check answers HTTP 404"


def test_a_report_kind_registered_is_a_web_route_too(tmp_path: Path) -> None:
    kind = ReportKind("fees", "费用", "fees", REPORTS["inventory"].build, yearly=False, formats=("xlsx",))
    REPORTS[kind.name] = kind
    try:
        engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
        config = WebConfig(engine=engine, tree=tmp_path, secret="s" * 32, executor=lambda *_: None)  # type: ignore[arg-type,return-value]
        paths = create_app(config).openapi()["paths"]  # the document itself is for signed-in users only
    finally:
        del REPORTS[kind.name]
    assert {"/api/reports/fees.xlsx", "/api/reports/inventory.xlsx", "/api/reports/annual.{fmt}"} <= set(
        paths
    )
    assert "department" in [p["name"] for p in paths["/api/reports/annual.{fmt}"]["get"]["parameters"]]


def test_the_observation_period_is_the_gate_policys_unless_the_site_says_it_as_it_stands(
    tmp_path: Path,
) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'govmig.db'}")
    assert Site(SiteConfig(store=engine, gates=GatePolicy(observation_days=3))).observation_days == 3
    config = WebConfig(engine=engine, tree=tmp_path, secret="s" * 32, executor=lambda *_: None)  # type: ignore[arg-type,return-value]
    site = create_app(config).state.ctx.site
    config.observation_days = 7  # `govmig serve --observation-days`, or a test, changes the web's setting
    assert site.observation_days == 7
