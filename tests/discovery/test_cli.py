"""`govmig plan --observed`, `govmig validate --observed` and `govmig discover`'s bad input, as a script sees them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from orchestrator.app import Portfolio
from orchestrator.plan import load_paths
from orchestrator.waves import WaveSettings
from tests.cli.test_intake_commands import run
from tests.conftest import AS_OF

PLAN = Path(__file__).parent / "plan.yaml"
ALPHA, BETA = "630000-OBS/alpha", "630000-OBS/beta"
SEEN = {"first_seen": "2026-12-06T08:00:00Z", "last_seen": "2026-12-06T08:00:05Z", "samples": 3}


def _observed(tmp: Path, size_bytes: int = 9 * 1024**3, name: str = "beta") -> Path:
    doc = {
        "version": 1,
        "connections": [
            {"from": ALPHA, "to": BETA, "port": 5432, **SEEN},
            {"from": ALPHA, "to": "172.16.8.8:443", "port": 443, **SEEN},
        ],
        "hosts": [
            {
                "host": "beta-src",
                "system": BETA,
                "observed_at": "2026-12-06T08:00:06Z",
                "databases": [
                    {
                        "index": 0,
                        "name": name,
                        "measured": True,
                        "engine": "postgresql",
                        "version": "PostgreSQL 15.18",
                        "size_bytes": size_bytes,
                    }
                ],
            }
        ],
    }
    path = tmp / "observed.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _schedule(tmp: Path) -> Path:
    path = tmp / "schedule.yaml"
    path.write_text("pilot_size: 1\n", encoding="utf-8")
    return path


def _waves(doc: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    return {k: w["id"] for w in doc["waves"] for k in w["systems"]}  # type: ignore[attr-defined]


def test_plan_observed_lists_the_undeclared_dependency_and_moves_the_cycle_together(tmp_path: Path) -> None:
    args = (
        "plan",
        str(PLAN),
        "--as-of",
        "2026-11-22",
        "--schedule",
        str(_schedule(tmp_path)),
        "--format",
        "json",
    )
    status, out, _ = run(*args, "-o", str(tmp_path / "before"))
    before = json.loads(out)
    assert status == 0 and "undeclared" not in before
    assert _waves(before)[ALPHA] != _waves(before)[BETA]
    status, out, _ = run(*args, "-o", str(tmp_path / "after"), "--observed", str(_observed(tmp_path)))
    after = json.loads(out)
    assert status == 0
    assert after["undeclared"] == [{"from": ALPHA, "to": BETA, "port": 5432}]  # not the peer outside
    assert _waves(after)[ALPHA] == _waves(after)[BETA]


def test_a_malformed_observation_file_is_bad_input_located(tmp_path: Path) -> None:
    bad = tmp_path / "observed.yaml"
    bad.write_text(
        "version: 1\nconnections:\n- {from: nobody, to: x, port: 70000, first_seen: 2026-12-06T08:00:00Z,"
        " last_seen: 2026-12-06T08:00:00Z, samples: 0}\n",
        encoding="utf-8",
    )
    status, out, err = run("plan", str(PLAN), "--observed", str(bad), "-o", str(tmp_path), "--format", "json")
    assert status == 2 and "Traceback" not in err
    errors = json.loads(out)["errors"]
    assert {e["location"].split(",")[0] for e in errors} >= {"line 3"} or all(
        "3" in e["location"] for e in errors
    )
    assert all(e["zh"] and e["en"] for e in errors)
    status, out, err = run("validate", str(PLAN), "--observed", str(bad), "--format", "json")
    assert status == 2 and json.loads(out)["errors"] and "Traceback" not in err
    status, _, err = run("validate", str(PLAN), "--observed", str(tmp_path / "absent.yaml"))
    assert status == 2 and "不存在" in err + _ and "Traceback" not in err


def test_validate_observed_names_the_database_larger_than_declared_and_its_window(tmp_path: Path) -> None:
    status, out, _ = run("validate", str(PLAN), "--observed", str(_observed(tmp_path)), "--format", "json")
    doc = json.loads(out)
    assert status == 1 and doc["valid"] is True
    assert [(c["system"], c["field"], c["declared"], c["measured"]) for c in doc["corrections"]] == [
        (BETA, "deployment.databases[0].size_gb", 0.001, 9.0)
    ]
    assert [(w["system"], w["measured_gb"], w["fits"]) for w in doc["windows"]] == [(BETA, 10.0, True)]
    slow = tmp_path / "slow.yaml"
    slow.write_text("sync_bandwidth_mbps: 0.01\n", encoding="utf-8")
    status, out, _ = run(
        "validate",
        str(PLAN),
        "--observed",
        str(_observed(tmp_path)),
        "--schedule",
        str(slow),
        "--format",
        "json",
    )
    assert status == 1 and json.loads(out)["windows"][0]["fits"] is False
    status, out, _ = run("validate", str(PLAN), "--observed", str(_observed(tmp_path, 1000)))
    assert status == 0 and "the facts contradict no declared size" in out
    status, out, _ = run("validate", str(PLAN), "--observed", str(_observed(tmp_path)))
    assert status == 1 and "实测与申报不符 What the facts contradict" in out
    assert "按实测共 10 GB" in out and "measured 10 GB in all" in out


def test_discover_refuses_an_unknown_wave_and_a_bad_window(tmp_path: Path) -> None:
    Portfolio(load_paths([PLAN]).plans, AS_OF, schedule=WaveSettings(pilot_size=0)).write(tmp_path / "tree")
    status, _, err = run(
        "discover", str(tmp_path / "tree"), "W99", "--window", "1", "-o", str(tmp_path / "o.yaml")
    )
    assert status == 2 and "W99" in err and "Traceback" not in err
    status, _, err = run("discover", str(tmp_path / "tree"), "W01", "--window", "-1")
    assert status == 2 and "Traceback" not in err
    assert not (tmp_path / "o.yaml").exists()


def test_what_the_hosts_said_is_shown_as_text_never_as_markup(tmp_path: Path) -> None:
    observed = _observed(tmp_path, name="[red]x[/red]")
    status, out, _ = run("validate", str(PLAN), "--observed", str(observed))
    assert status == 1 and "[red]x[/red]" in out
