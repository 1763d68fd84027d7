"""`govmig monitor`, `health`, `usage`, `dashboard-export`, `prometheus-config` as people and scripts run them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import inspect, text

from orchestrator.plan.model_files import load_model
from orchestrator.plan.usage import MeasuredUsage
from orchestrator.store import open_store
from tests.cli.test_intake_commands import run
from tests.monitor.conftest import Stack
from tests.render.conftest import Rendered


def test_monitor_runs_its_cycles_on_the_scheduler_with_the_job_kept_in_the_store(
    stack: Stack, rendered: Rendered, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    status, out, err = run(
        "monitor",
        "--prometheus",
        stack.prometheus.url,
        "--tree",
        str(rendered.out),
        "--db",
        db,
        "--all",
        "--cycles",
        "2",
        "--interval",
        "1",
        "--format",
        "json",
    )
    assert status == 0, err
    cycles = [json.loads(line) for line in out.splitlines()]
    assert len(cycles) == 2 and all(c["reachable"] and c["queries"] == 10 for c in cycles)
    rendered_systems = sum(1 for s in json.loads(rendered.files["index.json"])["systems"] if s["rendered"])
    assert sum(cycles[-1]["states"].values()) == rendered_systems
    assert cycles[-1]["states"]["up"] >= len(stack.apps) - 1  # the five stand-ins answer (one may be stopped)
    engine = open_store(db)
    assert "apscheduler_jobs" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("select id from apscheduler_jobs")).scalars().all() == ["govmig-monitor"]
    job = SQLAlchemyJobStore(engine=engine).lookup_job("govmig-monitor")
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 30)
    assert (
        job.trigger.interval.total_seconds() == 1
        and job.func_ref == "orchestrator.monitor.scheduler:run_cycle"
    )

    status, out, _ = run(
        "health", "--db", db, "--format", "json", "--department", stack.targets[0].department
    )
    doc = json.loads(out)
    assert status == 0 and doc["prometheus_reachable"] is True
    assert {s["department"] for s in doc["systems"]} == {stack.targets[0].department}
    assert {s["state"] for s in doc["systems"] if s["system"] not in stack.apps} <= {"unknown"}

    status, out, _ = run("health", "--db", db, "--watch", "--times", "2", "--refresh", "0.2")
    assert status == 0 and "系统健康 System health" in out and "未知 unknown" in out

    status, _, err = run("usage", "--db", db, "-o", str(tmp_path / "usage.yaml"))
    report, problems = load_model(tmp_path / "usage.yaml", MeasuredUsage)
    assert status == 0 and report is not None and not problems
    assert {m.system for m in report.systems} >= set(stack.apps)


def test_monitor_without_migrated_systems_or_tree_is_bad_input(tmp_path: Path, rendered: Rendered) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    status, _, err = run(
        "monitor", "--prometheus", "http://127.0.0.1:9", "--tree", str(rendered.out), "--db", db
    )
    assert status == 2 and "没有要监视的系统" in err and "nothing to watch" in err
    status, _, err = run(
        "monitor", "--prometheus", "http://127.0.0.1:9", "--tree", str(tmp_path), "--db", db, "--all"
    )
    assert status == 2 and "index.json" in err and "file not found" in err and "文件不存在" in err
    (tmp_path / "bad.yaml").write_text("confirm_cycles: 0\nbogus: 1\n", encoding="utf-8")
    status, out, err = run(
        "monitor",
        "--prometheus",
        "http://127.0.0.1:9",
        "--tree",
        str(rendered.out),
        "--db",
        db,
        "--settings",
        str(tmp_path / "bad.yaml"),
    )
    assert status == 2 and "confirm_cycles" in err + out and "bogus" in err + out


def test_an_unreachable_prometheus_is_reported_unknown(tmp_path: Path, rendered: Rendered) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    status, out, _ = run(
        "monitor",
        "--prometheus",
        "http://127.0.0.1:9",
        "--tree",
        str(rendered.out),
        "--db",
        db,
        "--all",
        "--cycles",
        "1",
        "--format",
        "json",
    )
    cycle = json.loads(out)
    assert status == 0 and cycle["reachable"] is False
    assert set(cycle["states"]) == {"up", "degraded", "down", "unknown"} and cycle["states"]["down"] == 0
    assert cycle["states"]["unknown"] > 50


def test_prometheus_config_keeps_the_rendered_labels_and_maps_addresses(
    rendered: Rendered, tmp_path: Path
) -> None:
    first = next(p for p in rendered.files if p.endswith("/probe.yaml"))
    probe = yaml.safe_load(rendered.files[first])
    labels = probe["spec"]["targets"]["staticConfig"]["labels"]
    key = f"{labels['department']}/{labels['system']}"
    out = tmp_path / "prometheus.yml"
    status, _, err = run(
        "prometheus-config",
        "--tree",
        str(rendered.out),
        "--all",
        "--blackbox",
        "127.0.0.1:9115",
        "--map",
        f"{key}=http://127.0.0.1:8080/healthz",
        "-o",
        str(out),
    )
    assert status == 0, err
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    job = config["scrape_configs"][0]
    mine = [sc for sc in job["static_configs"] if sc["labels"] == labels]
    assert job["job_name"] == "govmig-health" and mine == [
        {"targets": ["http://127.0.0.1:8080/healthz"], "labels": labels}
    ]
    assert len(config["rule_files"]) == sum(1 for p in rendered.files if "/rules/" in p)
    status, _, err = run(
        "prometheus-config", "--tree", str(rendered.out), "--all", "--map", "nonsense", "-o", str(out)
    )
    assert status == 2 and "DEPT/ID=URL" in err


def test_dashboard_export_writes_grafana_json(tmp_path: Path) -> None:
    status, _, _ = run("dashboard-export", "-o", str(tmp_path / "d.json"))
    board = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert status == 0 and board["uid"] == "govmig-supervision"
    assert {"department", "zone", "wave"} <= {v["name"] for v in board["templating"]["list"]}
