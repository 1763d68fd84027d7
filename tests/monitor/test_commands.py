"""`govmig monitor`, `health`, `usage`, `dashboard-export`, `prometheus-config` as people and scripts run them."""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import select, text

from orchestrator.plan.model_files import load_model
from orchestrator.plan.usage import MeasuredUsage
from orchestrator.store import aware, open_store
from orchestrator.store.schema import MonitorCycle
from tests.cli.test_intake_commands import run
from tests.execute.harness import govmig
from tests.monitor.conftest import Stack
from tests.render.conftest import Rendered


def test_monitor_runs_its_cycles_on_the_scheduler_holding_the_monitoring_clock(
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
    with engine.connect() as conn:  # it took the monitoring clock, and handed it back when it stopped
        taken = conn.execute(text("select target from audit where action = 'lease.take'")).scalars().all()
        held = conn.execute(text("select wave from wave_leases")).scalars().all()
    assert taken == ["monitor-clock"] and held == []

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
    assert len(config["rule_files"]) == sum(1 for p in rendered.files if p.endswith(".rules.yaml"))
    status, _, err = run(
        "prometheus-config", "--tree", str(rendered.out), "--all", "--map", "nonsense", "-o", str(out)
    )
    assert status == 2 and "DEPT/ID=URL" in err


def test_dashboard_export_writes_grafana_json(tmp_path: Path) -> None:
    status, _, _ = run("dashboard-export", "-o", str(tmp_path / "d.json"))
    board = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert status == 0 and board["uid"] == "govmig-supervision"
    assert {"department", "zone", "wave"} <= {v["name"] for v in board["templating"]["list"]}


def test_two_schedulers_collect_once_per_interval_and_a_dead_holders_clock_is_taken_over(
    stack: Stack, rendered: Rendered, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'two.db'}"
    settings = tmp_path / "monitor.yaml"
    settings.write_text("interval_seconds: 1\nclock_stale_seconds: 3\n")
    args = ("monitor", "--prometheus", stack.prometheus.url, "--tree", str(rendered.out), "--db", db, "--all")
    engine = open_store(db)
    schedulers = [govmig(*args, "--settings", str(settings), cwd=tmp_path) for _ in range(2)]

    def cycles() -> list[datetime]:
        with engine.connect() as conn:
            return [
                aware(t) for t in conn.execute(select(MonitorCycle.at).order_by(MonitorCycle.at)).scalars()
            ]

    def holder() -> int | None:
        with engine.connect() as conn:
            return conn.execute(text("select pid from wave_leases where wave = 'monitor-clock'")).scalar()

    try:
        deadline = time.monotonic() + 60
        while len(cycles()) < 6 and time.monotonic() < deadline:
            time.sleep(0.2)
        seen = cycles()
        assert len(seen) >= 6, "the schedulers collected nothing"
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(seen)]
        span = (seen[-1] - seen[0]).total_seconds()
        # never two cycles for one interval (two schedulers, one clock): two clocks would fit about twice as many
        # cycles into the span, and one of each pair close to the other's instant; one cycle run late by a busy
        # machine only shortens the gap after it (one short gap, not one in every pair)
        assert len(gaps) <= int(span) + 1 and sum(g < 0.2 for g in gaps) <= 1, gaps
        first = holder()
        assert first in {p.pid for p in schedulers}
        dying = next(p for p in schedulers if p.pid == first)
        dying.kill()
        dying.wait(10)
        killed_at = datetime.now(UTC)
        deadline = time.monotonic() + 60
        while not [t for t in cycles() if t > killed_at] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [t for t in cycles() if t > killed_at], "nobody took the clock over"
        survivor = next(p for p in schedulers if p.pid != first)
        assert holder() == survivor.pid and survivor.poll() is None
    finally:
        for p in schedulers:
            p.kill()
            p.communicate(timeout=30)
