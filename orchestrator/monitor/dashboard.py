"""A Grafana dashboard for sites that already run Grafana: the monitor's own queries, per department, zone and
wave, with the variables filled from the same labels. Panel titles are Chinese first, English beside.
"""

from __future__ import annotations

from typing import Any

from ..contracts import ERRORS, HEALTH_JOB

SELECT = 'department=~"$department", zone=~"$zone", wave=~"$wave"'
BY = "department, system"


def _variable(name: str, label: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "query": {"query": f'label_values(probe_success{{job="{HEALTH_JOB}"}}, {name})', "refId": name},
        "definition": f'label_values(probe_success{{job="{HEALTH_JOB}"}}, {name})',
        "includeAll": True,
        "multi": True,
        "allValue": ".*",
        "current": {"text": "All", "value": "$__all"},
        "refresh": 2,
        "sort": 1,
    }


def _panel(
    pid: int, title: str, kind: str, expr: str, unit: str, x: int, y: int, w: int = 12, h: int = 8
) -> dict[str, Any]:
    return {
        "id": pid,
        "title": title,
        "type": kind,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [{"refId": "A", "expr": expr, "legendFormat": "{{department}}/{{system}}"}],
    }


def dashboard(title: str = "政务信息系统迁移监管 govmig supervision") -> dict[str, Any]:
    health = f'job="{HEALTH_JOB}", {SELECT}'
    metrics = f'job!="{HEALTH_JOB}", {SELECT}'
    panels = [
        _panel(
            1,
            "可用系统比例 Systems up",
            "stat",
            f"avg(min by ({BY}) (probe_success{{{health}}}))",
            "percentunit",
            0,
            0,
            6,
            5,
        ),
        _panel(
            2,
            "中断系统数 Systems down",
            "stat",
            f"count(min by ({BY}) (probe_success{{{health}}}) == 0) or vector(0)",
            "none",
            6,
            0,
            6,
            5,
        ),
        _panel(
            3,
            "探测耗时 Probe duration",
            "timeseries",
            f"max by ({BY}) (probe_duration_seconds{{{health}}})",
            "s",
            12,
            0,
            12,
            5,
        ),
        _panel(
            4,
            "可用性 Availability (probe)",
            "state-timeline",
            f"min by ({BY}) (probe_success{{{health}}})",
            "bool_on_off",
            0,
            5,
            24,
            10,
        ),
        _panel(
            5,
            "错误率（1小时）Error ratio 1h",
            "timeseries",
            f"{ERRORS.format(window='1h')}{{{SELECT}}}",
            "percentunit",
            0,
            15,
        ),
        _panel(
            6,
            "请求速率 Request rate",
            "timeseries",
            f"sum by ({BY}) (rate(http_requests_total{{{metrics}}}[5m]))",
            "reqps",
            12,
            15,
        ),
        _panel(
            7,
            "响应时间 P95 p95 latency",
            "timeseries",
            f"histogram_quantile(0.95, sum by (le, {BY}) (rate(http_request_duration_seconds_bucket{{{metrics}}}[5m])))",
            "s",
            0,
            23,
        ),
        _panel(
            8,
            "5xx 比例 5xx ratio",
            "timeseries",
            f'sum by ({BY}) (rate(http_requests_total{{{metrics}, code=~"5.."}}[5m])) / sum by ({BY}) (rate(http_requests_total{{{metrics}}}[5m]))',
            "percentunit",
            12,
            23,
        ),
        _panel(
            9,
            "CPU（单核百分比）CPU % of a core",
            "timeseries",
            f"100 * sum by ({BY}) (rate(process_cpu_seconds_total{{{metrics}}}[5m]))",
            "percent",
            0,
            31,
        ),
        _panel(
            10,
            "内存 Memory",
            "timeseries",
            f"sum by ({BY}) (process_resident_memory_bytes{{{metrics}}})",
            "bytes",
            12,
            31,
        ),
    ]
    variables = [
        {"name": "datasource", "label": "数据源 Data source", "type": "datasource", "query": "prometheus"},
        _variable("department", "部门 Department"),
        _variable("zone", "网络区域 Zone"),
        _variable("wave", "批次 Wave"),
    ]
    return {
        "title": title,
        "uid": "govmig-supervision",
        "tags": ["govmig"],
        "timezone": "browser",
        "schemaVersion": 39,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": variables},
        "panels": panels,
    }
