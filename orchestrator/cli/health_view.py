"""The health table: one row per watched system, worst first, with the figures behind it."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.markup import escape
from rich.table import Table

from ..app import Health, aware, said

STYLE = {"up": "green", "degraded": "yellow", "down": "bold red", "unknown": "dim"}


def _figure(metrics: dict[str, float], name: str, fmt: str) -> str:
    value = metrics.get(name)
    return fmt.format(value) if value is not None else "–"


def health_table(health: Health, department: str | None) -> Table:
    """The reasons in words, Chinese and English, with the code beside (as the web's pages show them)."""
    shown = health.table(department)
    rows, last = shown.rows, shown.last_cycle
    when = f"{last:%Y-%m-%d %H:%M:%S}" if last else "还没有采集 no cycle yet"
    counts = " · ".join(f"{zh} {state} {n}" for state, zh, n in shown.counts)
    table = Table(title=f"系统健康 System health — {when}", caption=counts)
    table.add_column("系统 System", no_wrap=True)
    for name in ("区域 Zone", "批次 Wave", "状态 State", "原因 Reason", "持续 For"):
        table.add_column(name, overflow="fold")
    for name in ("探测 Probe ms", "请求/秒 Req/s", "预算余 Budget"):
        table.add_column(name, justify="right")
    now = datetime.now(UTC)
    for h in rows:
        minutes = max(0, int((now - aware(h.since)).total_seconds() // 60))
        style = STYLE.get(h.state, "")
        words = said(h.state, h.reason)
        table.add_row(
            h.system,
            h.zone,
            h.wave,
            f"[{style}]{words['state_zh']} {h.state}[/]",
            escape(f"{words['reason_zh']} {words['reason_en']} ({h.reason})"),
            f"{minutes // 60}h{minutes % 60:02d}m",
            _figure(
                {k: v * 1000 for k, v in h.metrics.items() if k == "probe_seconds"}, "probe_seconds", "{:.0f}"
            ),
            _figure(h.metrics, "request_rate", "{:.2f}"),
            _figure(h.metrics, "budget_left", "{:.0%}"),
        )
    return table
