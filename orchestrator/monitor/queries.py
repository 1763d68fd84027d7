"""The fixed set of PromQL queries one cycle sends, each aggregated by (department, system).

However many systems there are, a cycle sends exactly these queries: Prometheus does the per-system work. The
label names and the health job name are the ones render puts on every ServiceMonitor and Probe, both sides
importing them from the metric-naming contract so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contracts import BY, ERRORS, HEALTH_JOB, REQUEST_ERRORS, WINDOWS

OWN = 'department!="", system!=""'


@dataclass(frozen=True)
class Query:
    name: str
    promql: str
    zh: str
    en: str


REQUEST_WINDOWS = ("1h", "3d")
"""The request objective's windows the monitor reads: the last hour's burn and the budget left over three days."""


def burn_query() -> str:
    """Every recorded error-ratio window in one query, told apart by a `window` label: the probe's as "5m" …,
    the application's requests' (where it exports them) as "requests_1h" and "requests_3d"."""
    parts = [f'label_replace({ERRORS.format(window=w)}, "window", "{w}", "", "")' for w in WINDOWS]
    parts += [
        f'label_replace({REQUEST_ERRORS.format(window=w)}, "window", "requests_{w}", "", "")'
        for w in REQUEST_WINDOWS
    ]
    return " or ".join(parts)


def cycle_queries(rate_window: str = "5m") -> tuple[Query, ...]:
    health = f'job="{HEALTH_JOB}", {OWN}'
    metrics = f'job!="{HEALTH_JOB}", {OWN}'
    w = rate_window
    return (
        Query("probe_success", f"min by ({BY}) (probe_success{{{health}}})", "探测成功", "probe success"),
        Query(
            "probe_status",
            f"max by ({BY}) (probe_http_status_code{{{health}}})",
            "探测状态码",
            "probe HTTP status",
        ),
        Query(
            "probe_seconds",
            f"max by ({BY}) (probe_duration_seconds{{{health}}})",
            "探测耗时",
            "probe duration",
        ),
        Query("scrape_up", f"min by ({BY}) (up{{{metrics}}})", "指标采集", "metrics scrape up"),
        Query(
            "latency_p95",
            f"histogram_quantile(0.95, sum by (le, {BY}) (rate(http_request_duration_seconds_bucket{{{metrics}}}[{w}])))",
            "响应时间 P95",
            "p95 latency",
        ),
        Query(
            "request_rate",
            f"sum by ({BY}) (rate(http_requests_total{{{metrics}}}[{w}]))",
            "请求速率",
            "request rate",
        ),
        Query(
            "error_ratio",
            f'sum by ({BY}) (rate(http_requests_total{{{metrics}, code=~"5.."}}[{w}]))'
            f" / sum by ({BY}) (rate(http_requests_total{{{metrics}}}[{w}]))",
            "5xx 比例",
            "5xx ratio",
        ),
        Query(
            "cpu_percent",
            f"100 * sum by ({BY}) (rate(process_cpu_seconds_total{{{metrics}}}[{w}]))",
            "CPU（单核百分比）",
            "CPU (% of one core)",
        ),
        Query(
            "memory_bytes",
            f"sum by ({BY}) (process_resident_memory_bytes{{{metrics}}})",
            "内存",
            "resident memory",
        ),
        Query("burn", burn_query(), "错误预算消耗", "error budget burn"),
    )
