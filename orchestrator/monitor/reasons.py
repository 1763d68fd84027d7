"""What a health state's reason says to people: Chinese first, English beside.

The reason itself stays a short code (the store, the API's `reason`, alert labels and tests speak it); every
page and report that people read shows these words instead. The figures behind a reason (how slow, how many
5xx) are in the state's metrics and the transition's detail.
"""

from __future__ import annotations

from .model import STATE_ZH, State

REASONS: dict[str, tuple[str, str]] = {
    "ok": ("正常", "healthy"),
    "unconfirmed": ("等待下一周期确认", "awaiting the next cycle's confirmation"),
    "no_data": ("没有监控数据", "no monitoring data"),
    "prometheus_unavailable": ("监控系统不可达", "Prometheus unreachable"),
    "unreachable": ("健康检查无法连接", "health check cannot connect"),
    "scrape_failed": ("指标端点无法采集", "metrics endpoint cannot be scraped"),
    "slow": ("响应慢", "slow to answer"),
    "errors": ("5xx 错误比例过高", "too many requests fail with 5xx"),
    "http_5xx": ("健康检查返回 5xx", "health check answers 5xx"),
    "recovered": ("已恢复", "recovered"),
}


def reason_said(reason: str) -> tuple[str, str]:
    """(zh, en) for a reason code; `http_404` and the like name their status; an unknown code is shown as is."""
    if reason in REASONS:
        return REASONS[reason]
    code = reason.removeprefix("http_")
    if reason.startswith("http_") and code.isdigit():
        return f"健康检查返回 HTTP {code}", f"health check answers HTTP {code}"
    return reason, reason


def state_said(state: str) -> str:
    """The state's Chinese word, as the dashboard and reports print it beside the English."""
    try:
        return STATE_ZH[State(state)]
    except ValueError:
        return state
