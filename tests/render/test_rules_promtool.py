"""The alerting rules pass `promtool check rules`, and `promtool test rules` shows the page alert firing on a
burning budget and staying quiet on a healthy system."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.render.conftest import Rendered

SYSTEM = ("630000-FGW", "invest-approval")  # MLPS 3: objective 99.9%


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_promtool_checks_every_rule_file(rendered: Rendered) -> None:
    files = sorted(str(p) for p in (rendered.out / "monitoring" / "rules").rglob("*.rules.yaml"))
    assert len(files) == sum(len(w.systems) for w in rendered.roadmap.waves)  # one per scheduled system
    proc = promtool("check", "rules", *files, cwd=rendered.out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("SUCCESS: 11 rules found") == len(files)


def _test_file(
    rendered: Rendered, tmp_path: Path, values: str, expect_page: bool, expect_ticket: bool
) -> Path:
    dept, system = SYSTEM
    rules_path = rendered.out / "monitoring" / "rules" / dept / f"{system}.rules.yaml"
    alerts = {
        r["labels"]["severity"]: r
        for g in yaml.safe_load(rules_path.read_text())["groups"]
        for r in g["rules"]
        if "alert" in r
    }

    def expected(severity: str) -> dict[str, object]:
        return {"exp_labels": alerts[severity]["labels"], "exp_annotations": alerts[severity]["annotations"]}

    series = f'probe_success{{department="{dept}",system="{system}",job="govmig-health"}}'
    doc = {
        "rule_files": [str(rules_path)],
        "evaluation_interval": "30s",
        "tests": [
            {
                "interval": "30s",
                "input_series": [{"series": series, "values": values}],
                "alert_rule_test": [
                    {
                        "eval_time": "10m",
                        "alertname": "GovmigErrorBudgetBurn",
                        "exp_alerts": [expected("page")] if expect_page else [],
                    },
                    {
                        "eval_time": "3h",
                        "alertname": "GovmigErrorBudgetBurn",
                        "exp_alerts": ([expected("page")] if expect_page else [])
                        + ([expected("ticket")] if expect_ticket else []),
                    },
                ],
            }
        ],
    }
    path = tmp_path / "test.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return path


def test_page_fires_when_the_budget_burns(rendered: Rendered, tmp_path: Path) -> None:
    test = _test_file(rendered, tmp_path, "0x400", expect_page=True, expect_ticket=True)
    proc = promtool("test", "rules", str(test), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_healthy_system_stays_quiet(rendered: Rendered, tmp_path: Path) -> None:
    test = _test_file(rendered, tmp_path, "1x400", expect_page=False, expect_ticket=False)
    proc = promtool("test", "rules", str(test), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_promtool_would_notice_a_wrong_expectation(rendered: Rendered, tmp_path: Path) -> None:
    """The test above can fail: expecting silence from a burning system is reported by promtool."""
    test = _test_file(rendered, tmp_path, "0x400", expect_page=False, expect_ticket=False)
    proc = promtool("test", "rules", str(test), cwd=tmp_path)
    assert proc.returncode != 0 and "GovmigErrorBudgetBurn" in proc.stdout + proc.stderr
