"""`govmig assess` and `govmig policy show`: the decision contract, the ledger workbook, bad settings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl

from tests.cli.test_intake_commands import run
from tests.conftest import EXAMPLES, ROOT

POLICY = str(ROOT / "examples" / "policy.yaml")
CONTRACT_KEYS = {
    "department",
    "system",
    "action",
    "target_network",
    "cloud",
    "zone",
    "rules",
    "reasons",
    "consolidate_into",
    "flags",
}


def test_assess_json_is_the_decision_contract(tmp_path: Path) -> None:
    status, out, _ = run(
        "assess", str(EXAMPLES), "--policy", POLICY, "--as-of", "2026-11-22", "--format", "json"
    )
    doc = json.loads(out)
    assert status == 0 and doc["errors"] == []
    assert len(doc["decisions"]) == 93
    for d in doc["decisions"]:
        assert set(d) >= CONTRACT_KEYS
        assert d["action"] in {"migrate", "retire", "stay", "blocked"}
        assert all(set(r) >= {"rule", "zh", "en"} for r in d["reasons"])
    secret = next(d for d in doc["decisions"] if d["system"] == "intel-analysis")
    assert (secret["target_network"], secret["cloud"], secret["zone"]) == ("egov_internal", False, "internal")


def test_ledger_lists_every_system_exactly_once(tmp_path: Path) -> None:
    status, _, _ = run(
        "assess", str(EXAMPLES), "--policy", POLICY, "--as-of", "2026-11-22", "-o", str(tmp_path)
    )
    assert status == 0
    wb = openpyxl.load_workbook(tmp_path / "台账-ledger.xlsx")
    assert wb.sheetnames[0] == "汇总 Summary" and len(wb.sheetnames) == 11
    seen: Counter[str] = Counter()
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        headers = [c.value for c in ws[1]]
        assert headers[:4] == ["系统标识 System", "系统名称 Name", "所属司局 Bureau", "处置 Action"]
        code = ws.title.split()[0]
        for row in ws.iter_rows(min_row=2, values_only=True):
            seen[f"{code}/{row[0]}"] += 1
            assert row[8] and row[9] and row[10]  # rules, reasons zh, reasons en
    assert len(seen) == 93 and set(seen.values()) == {1}
    summary = list(wb["汇总 Summary"].iter_rows(min_row=2, values_only=True))
    assert sum(r[2] for r in summary) == 93
    decisions = json.loads((tmp_path / "decisions.json").read_text())["decisions"]
    assert len(decisions) == 93


def test_assess_with_an_invalid_plan_reports_errors_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("apiVersion: govmig/v1\nkind: MigrationPlan\n")
    (tmp_path / "good.yaml").write_bytes((EXAMPLES / "630000-FGW.yaml").read_bytes())
    status, out, _ = run("assess", str(tmp_path), "--format", "json", "--as-of", "2026-11-22")
    doc = json.loads(out)
    assert status == 2
    assert {e["file"] for e in doc["errors"]} == {str(tmp_path / "bad.yaml")}
    assert len(doc["decisions"]) == 10


def test_bad_policy_settings_are_located(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("cloud_max_mlps: 3\nzombie:\n  z1_idle_business_days: soon\n  z9: 1\n")
    status, out, _ = run("assess", str(EXAMPLES), "--policy", str(bad), "--format", "json")
    errors = json.loads(out)["errors"]
    assert status == 2
    assert {(e["code"], e["location"].split(":")[0]) for e in errors} == {
        ("int", "line 3, column 26"),
        ("unknown_field", "line 4, column 7"),
    }


def test_bad_date_is_bad_input() -> None:
    status, _, err = run("assess", str(EXAMPLES), "--as-of", "2026-02-30")
    assert status == 2 and "不是有效日期" in err


def test_measured_usage_file_changes_the_decision(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text(
        "apiVersion: govmig/v1\nkind: MeasuredUsage\nmeasured_at: 2026-11-20\nsystems:\n"
        "  - {system: 630000-FGW/project-library, window_days: 30, requests_per_day: 0.1, cpu_percent: 0.3,"
        " active_days: 1, users: 3}\n"
    )
    status, out, _ = run(
        "assess",
        str(EXAMPLES / "630000-FGW.yaml"),
        "--usage",
        str(usage),
        "--as-of",
        "2026-11-22",
        "--format",
        "json",
    )
    d = next(d for d in json.loads(out)["decisions"] if d["system"] == "project-library")
    assert status == 0 and d["action"] == "retire" and d["rules"] == ["P5", "Z3", "Z5"]
    assert "measured" in next(r["en"] for r in d["reasons"] if r["rule"] == "Z3")


def test_policy_show_prints_rules_and_the_overrides_in_force() -> None:
    status, out, _ = run("policy", "show", "--policy", POLICY, "--format", "json")
    doc = json.loads(out)
    assert status == 0
    assert [r["id"] for r in doc["rules"]] == [
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
        "P8",
        "P9",
        "Z1",
        "Z2",
        "Z3",
        "Z4",
        "Z5",
    ]
    assert doc["settings"]["zombie"]["z1_idle_business_days"] == 180
    assert doc["settings"]["base_data_providers"]["population"] == "630000-GAT/population-db"
    status, out, _ = run("policy", "show")
    assert status == 0 and "等保三级及以下" in out and "z1_idle_business_days" in out
