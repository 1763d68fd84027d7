"""The alerting rules pass `promtool check rules`, and `promtool test rules` shows the page alert firing on a
burning budget and staying quiet on a healthy system."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import yaml

from orchestrator.contracts import tree as layout
from tests.render.conftest import Rendered

SYSTEM = ("630000-FGW", "credit-platform")  # MLPS 3: objective 99.9%


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_promtool_checks_every_rule_file(rendered: Rendered) -> None:
    rules = rendered.out / "monitoring" / "rules"
    files = sorted(
        str(p)
        for p in rules.rglob("*.rules.yaml")
        if p.parent.name not in (layout.PIPELINE, layout.RESOURCES)
    )
    assert len(files) == sum(len(w.systems) for w in rendered.roadmap.waves)  # one per scheduled system
    pipeline = sorted(str(p) for p in (rules / layout.PIPELINE).glob("*.rules.yaml"))
    assert [Path(p).stem for p in pipeline] == ["extranet.rules", "internal.rules", "internet.rules"]
    proc = promtool("check", "rules", *files, *pipeline, cwd=rendered.out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    texts = {f: Path(f).read_text() for f in files}
    assert any("GovmigProbeDataAbsent" in t for t in texts.values())  # probed systems: the no-data alert
    assert any("GovmigRequestErrorBudgetBurn" in t for t in texts.values())  # systems with /metrics
    assert any("GovmigRequestErrorBudgetBurn" not in t for t in texts.values())  # and those without
    sizes = Counter(sum(len(g["rules"]) for g in yaml.safe_load(t)["groups"]) for t in texts.values())
    for size, n in sizes.items():  # promtool found every rule of every file
        assert proc.stdout.count(f"SUCCESS: {size} rules found") == n, size
    assert proc.stdout.count("SUCCESS: 3 rules found") == len(pipeline)


def _test_file(
    rendered: Rendered, tmp_path: Path, values: str, expect_page: bool, expect_ticket: bool
) -> Path:
    dept, system = SYSTEM
    rules_path = rendered.out / "monitoring" / "rules" / dept / f"{system}.rules.yaml"
    alerts = {
        r["labels"]["severity"]: r
        for g in yaml.safe_load(rules_path.read_text())["groups"]
        for r in g["rules"]
        if r.get("alert") == "GovmigErrorBudgetBurn"
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


def _alerts(path: Path, name: str, **series: str) -> list[dict[str, object]]:
    """The alert as promtool should see it fire: the rule's labels plus those of the series it fired on."""
    return [
        {"exp_labels": {**series, **r["labels"]}, "exp_annotations": r["annotations"]}
        for g in yaml.safe_load(path.read_text())["groups"]
        for r in g["rules"]
        if r.get("alert") == name
    ]


def _run_test(
    tmp_path: Path, rule_files: list[Path], series: list[dict[str, str]], checks: list[dict[str, object]]
) -> str:
    doc = {
        "rule_files": [str(p) for p in rule_files],
        "evaluation_interval": "30s",
        "tests": [{"interval": "30s", "input_series": series, "alert_rule_test": checks}],
    }
    path = tmp_path / "test.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    proc = promtool("test", "rules", str(path), cwd=tmp_path)
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


def test_a_vanished_probe_series_raises_the_no_data_alert(rendered: Rendered, tmp_path: Path) -> None:
    """Probed for 20 minutes, then nothing: quiet while the series comes, the alert ten minutes after it went."""
    dept, system = SYSTEM
    rules = rendered.out / layout.rules_file(dept, system)
    expected = _alerts(rules, "GovmigProbeDataAbsent", job="govmig-health")
    assert expected and expected[0]["exp_labels"]["system"] == system  # type: ignore[index]
    series = [
        {
            "series": f'probe_success{{department="{dept}",system="{system}",job="govmig-health"}}',
            "values": "1x40",
        }
    ]

    def at(when: str, alerts: list[dict[str, object]]) -> dict[str, object]:
        return {"eval_time": when, "alertname": "GovmigProbeDataAbsent", "exp_alerts": alerts}

    assert _run_test(tmp_path, [rules], series, [at("15m", []), at("25m", []), at("35m", expected)]) == ""
    # and the test would notice an alert that never came
    assert "GovmigProbeDataAbsent" in _run_test(tmp_path, [rules], series, [at("15m", expected)])


def test_the_watchdog_always_fires_and_a_dead_prober_pages(rendered: Rendered, tmp_path: Path) -> None:
    rules = rendered.out / layout.pipeline_rules_file("extranet")
    watchdog, prober = _alerts(rules, "GovmigWatchdog"), _alerts(rules, "GovmigProberDown")
    absent = _alerts(rules, "GovmigProbesAbsent", job="govmig-health")
    up = [
        {"series": 'up{job="govmig-health",instance="a"}', "values": "1x10 0x30"},
        {"series": 'up{job="govmig-health",instance="b"}', "values": "1x10 0x30"},
    ]
    checks: list[dict[str, object]] = [
        {"eval_time": "1m", "alertname": "GovmigWatchdog", "exp_alerts": watchdog},
        {"eval_time": "4m", "alertname": "GovmigProberDown", "exp_alerts": []},  # probes answer
        {"eval_time": "10m", "alertname": "GovmigProberDown", "exp_alerts": prober},  # every scrape fails
        {"eval_time": "10m", "alertname": "GovmigProbesAbsent", "exp_alerts": []},
    ]
    assert _run_test(tmp_path, [rules], up, checks) == ""
    nothing: list[dict[str, str]] = []
    gone: list[dict[str, object]] = [
        {"eval_time": "10m", "alertname": "GovmigProbesAbsent", "exp_alerts": absent}
    ]
    assert _run_test(tmp_path, [rules], nothing, gone) == ""


def test_a_system_whose_requests_fail_burns_its_request_budget(rendered: Rendered, tmp_path: Path) -> None:
    """The request-based objective: the probe is fine, but a tenth of the users' requests answer 5xx."""
    path = next(
        p
        for p in sorted((rendered.out / "monitoring" / "rules").rglob("*.rules.yaml"))
        if "GovmigRequestErrorBudgetBurn" in p.read_text()
    )
    dept, system = path.parent.name, path.name.removesuffix(".rules.yaml")
    both = _alerts(path, "GovmigRequestErrorBudgetBurn")  # a tenth failing: fast and slow burn alike
    where = f'department="{dept}",system="{system}",job="metrics"'

    def series(failing: str) -> list[dict[str, str]]:
        """90 good requests and `failing` 5xx every 30 s."""
        return [
            {"series": f'http_requests_total{{{where},code="200"}}', "values": "0+90x400"},
            {"series": f'http_requests_total{{{where},code="500"}}', "values": f"0+{failing}x400"},
        ]

    burning: list[dict[str, object]] = [
        {"eval_time": "30m", "alertname": "GovmigRequestErrorBudgetBurn", "exp_alerts": both}
    ]
    assert _run_test(tmp_path, [path], series("10"), burning) == ""
    quiet: list[dict[str, object]] = [
        {"eval_time": "30m", "alertname": "GovmigRequestErrorBudgetBurn", "exp_alerts": []}
    ]
    assert _run_test(tmp_path, [path], series("0"), quiet) == ""
    assert "GovmigRequestErrorBudgetBurn" in _run_test(tmp_path, [path], series("0"), burning)
