"""Recording and alerting rules for one system's objective: `level:metric:operations` names, multiwindow burns.

Page: 14.4x the budget burn over 1h and 5m, or 6x over 6h and 30m. Ticket: 3x over 1d and 2h, or 1x over 3d
and 6h. The same groups go into the PrometheusRule and into a plain rules file that promtool checks and tests.
"""

from __future__ import annotations

import json
from typing import Any

from ..contracts import (
    BURN_ALERT,
    ERRORS,
    HEALTH_JOB,
    LATENCY_P95,
    NO_DATA_ALERT,
    PAGE,
    PIPELINE_DEPARTMENT,
    PROBE_SECONDS,
    PROBER_DOWN_ALERT,
    PROBES_ABSENT_ALERT,
    RECORDED_BY,
    REQUEST_BURN_ALERT,
    REQUEST_ERRORS,
    TICKET,
    WATCHDOG_ALERT,
    WINDOWS,
)
from .views import SystemView

NO_DATA_WINDOW = "10m"
"""How long a probed system's series may be missing before someone is told: two scrapes lost in a restart
(30 s each) are not news, ten minutes without any are."""


def go_text(text: str) -> str:
    """Plan text inside an annotation, which Prometheus expands as a Go template when the alert fires.

    Text with a brace is emitted as one Go string constant (`{{ "…" }}`), so `{{ with query "up" }}` in a system
    name prints as typed instead of running a query; JSON's string escapes are valid Go escapes for what intake
    lets through (quotes, backslashes; control characters as \\uXXXX)."""
    if "{" not in text and "}" not in text:
        return text
    return "{{ " + json.dumps(text, ensure_ascii=False) + " }}"


def _match(s: SystemView) -> str:
    return f'department="{s.department}",system="{s.system}"'


def _burn(s: SystemView, pairs: tuple[tuple[float, str, str], ...], series: str = ERRORS) -> str:
    """Multiwindow burn: both the long and the short window's recorded error ratio above factor × budget."""
    budget = round(1 - s.objective / 100, 6)
    terms = [
        f"({series.format(window=long)}{{{_match(s)}}} > {factor} * {budget}"
        f" and {series.format(window=short)}{{{_match(s)}}} > {factor} * {budget})"
        for factor, long, short in pairs
    ]
    return " or ".join(terms)


def _burn_alerts(
    s: SystemView, name: str, series: str, what: tuple[str, str], labels: dict[str, str]
) -> list[dict[str, Any]]:
    """The page (fast burn) and the ticket (slow burn) of one objective; `what` says which, zh and en (the
    probe's availability is the objective that goes without saying in English)."""
    zh, en = what
    return [
        {
            "alert": name,
            "expr": _burn(s, PAGE, series),
            "for": "2m",
            "labels": {**labels, "severity": "page"},
            "annotations": {
                "summary": f"{go_text(s.title)}（{s.key}）{zh}错误预算快速消耗 / {en}error budget burning fast",
                "description": f"目标 objective {s.objective}%：按当前速度将在数小时内耗尽本月预算；"
                "the system will exhaust its monthly budget within hours at this rate.",
            },
        },
        {
            "alert": name,
            "expr": _burn(s, TICKET, series),
            "for": "15m",
            "labels": {**labels, "severity": "ticket"},
            "annotations": {
                "summary": f"{go_text(s.title)}（{s.key}）{zh}错误预算持续消耗 / {en}error budget burning",
                "description": f"目标 objective {s.objective}%：预算消耗高于预期，需要排查；the budget burns faster than planned.",
            },
        },
    ]


def rule_groups(s: SystemView) -> dict[str, Any]:
    match = _match(s)
    recording: list[dict[str, Any]] = [
        {
            "record": ERRORS.format(window=w),
            "expr": f"1 - avg by ({RECORDED_BY}) (avg_over_time(probe_success{{{match}}}[{w}]))",
        }
        for w in WINDOWS
    ]
    recording += [
        {
            "record": PROBE_SECONDS,
            "expr": f"avg by ({RECORDED_BY}) (avg_over_time(probe_duration_seconds{{{match}}}[5m]))",
        },
        {
            "record": LATENCY_P95,
            "expr": f"histogram_quantile(0.95, sum by (le, {RECORDED_BY}) "
            f"(rate(http_request_duration_seconds_bucket{{{match}}}[5m])))",
        },
    ]
    labels = {"department": s.department, "system": s.system, "zone": s.zone.value}
    alerts = _burn_alerts(s, BURN_ALERT, ERRORS, ("可用性", ""), labels)
    if s.metrics_ports:  # the application's own requests: an objective on what its users saw
        recording += [
            {
                "record": REQUEST_ERRORS.format(window=w),
                "expr": f'sum by ({RECORDED_BY}) (rate(http_requests_total{{{match},code=~"5.."}}[{w}]))'
                f" / sum by ({RECORDED_BY}) (rate(http_requests_total{{{match}}}[{w}]))",
            }
            for w in WINDOWS
        ]
        alerts += _burn_alerts(s, REQUEST_BURN_ALERT, REQUEST_ERRORS, ("请求成功率", "request "), labels)
    if s.probe_url:
        alerts.append(
            {
                "alert": NO_DATA_ALERT,
                "expr": f'absent_over_time(probe_success{{job="{HEALTH_JOB}",{match}}}[{NO_DATA_WINDOW}])',
                "labels": {**labels, "severity": "ticket"},
                "annotations": {
                    "summary": f"{go_text(s.title)}（{s.key}）没有健康探测数据 / no health probe data",
                    "description": f"{NO_DATA_WINDOW} 内没有该系统的探测序列：Probe 未被加载或标签不再匹配，"
                    "系统状态无从判断；the system's probe series has been absent for "
                    f"{NO_DATA_WINDOW}: its Probe is not picked up or its labels no longer match.",
                },
            }
        )
    return {
        "groups": [
            {"name": f"govmig.{s.department}.{s.system}.recording", "interval": "30s", "rules": recording},
            {"name": f"govmig.{s.department}.{s.system}.alerts", "rules": alerts},
        ]
    }


def pipeline_groups(zone: str) -> dict[str, Any]:
    """The monitoring watching itself, once per zone's Prometheus: a heartbeat that always fires (its silence at
    the receiving end means Prometheus or Alertmanager is down: a dead man's switch), the blackbox exporter gone
    (every probe's scrape fails), and no probe at all (no Probe object picked up)."""
    labels = {"zone": zone, "department": PIPELINE_DEPARTMENT}
    return {
        "groups": [
            {
                "name": f"govmig.pipeline.{zone}",
                "rules": [
                    {
                        "alert": WATCHDOG_ALERT,
                        "expr": "vector(1)",
                        "labels": {**labels, "severity": "none"},
                        "annotations": {
                            "summary": "监控链路心跳（始终触发，停止即监控失效）/ monitoring heartbeat: always "
                            "firing; when it stops arriving, the monitoring is down",
                        },
                    },
                    {
                        "alert": PROBER_DOWN_ALERT,
                        "expr": f'count(up{{job="{HEALTH_JOB}"}}) > 0 and sum(up{{job="{HEALTH_JOB}"}}) == 0',
                        "for": "2m",
                        "labels": {**labels, "severity": "page"},
                        "annotations": {
                            "summary": "黑盒探测器不可达：所有健康探测失效 / the blackbox exporter cannot be "
                            "reached: no health probe runs",
                        },
                    },
                    {
                        "alert": PROBES_ABSENT_ALERT,
                        "expr": f'absent(up{{job="{HEALTH_JOB}"}})',
                        "for": "5m",
                        "labels": {**labels, "severity": "page"},
                        "annotations": {
                            "summary": "没有任何健康探测：Prometheus 未加载 Probe 对象 / no health probe at "
                            "all: Prometheus picked up no Probe",
                        },
                    },
                ],
            }
        ]
    }
