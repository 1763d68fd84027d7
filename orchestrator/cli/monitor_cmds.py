"""`govmig monitor`, `health`, `dashboard-export`, `prometheus-config` and `usage`: supervisors watching.

`monitor` runs the collection cycle on its schedule and says one line per cycle; `health` shows what the cycles
found, once or live (`--watch`); the other three hand the monitoring to tools a site already has.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml

from ..app import HEALTH_STATE_ZH as STATE_ZH
from ..app import (
    CatalogError,
    CycleResult,
    MonitorConfig,
    MonitorSettings,
    grafana,
    load_catalog,
    scrape_config,
)
from ..app import HealthState as State
from ..app import run_monitor as run
from ..contracts import Tree
from ..contracts import tree as layout
from .health_view import health_table
from .options import DB, TREE, model_or_exit, site, write_files
from .output import FAILED, FORMAT, console, emit_json, fail

OUT = click.option(
    "-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="输出文件 Output file"
)


def _migrated(db: str | None) -> set[str]:
    """Systems a real (not check-mode) wave run has finished moving."""
    return site(db).waves.migrated()


def _write_text(path: Path, text: str) -> None:
    write_files(path.parent, {path.name: text.encode()})


@click.command("monitor")
@click.option(
    "--prometheus",
    required=True,
    envvar="GOVMIG_PROMETHEUS",
    help="Prometheus 地址 URL, e.g. http://127.0.0.1:9090",
)
@click.option(
    "--alertmanager", default=None, envvar="GOVMIG_ALERTMANAGER", help="Alertmanager 地址 URL (optional)"
)
@TREE
@DB
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="监控设置 Monitor settings YAML",
)
@click.option(
    "--interval", type=click.FloatRange(0.5, 3600), default=None, help="采集周期（秒）Cycle interval, seconds"
)
@click.option("--cycles", type=click.IntRange(1), default=None, help="运行若干周期后退出 Stop after N cycles")
@click.option(
    "--all",
    "watch_all",
    is_flag=True,
    help="监视全部已生成的系统（默认只监视已迁移的）Watch every rendered system",
)
@FORMAT
def monitor_command(
    prometheus: str,
    alertmanager: str | None,
    tree: Path,
    db: str | None,
    settings_path: Path | None,
    interval: float | None,
    cycles: int | None,
    watch_all: bool,
    fmt: str,
) -> None:
    """运行监控采集 Run the collection cycle (APScheduler; Ctrl-C stops)."""
    settings = model_or_exit(settings_path, MonitorSettings, "监控设置有误 Monitor settings are invalid")
    if interval is not None:
        settings = settings.model_copy(update={"interval_seconds": interval})
    only = None if watch_all else _migrated(db)
    try:
        targets, _ = load_catalog(tree, only)
    except CatalogError as exc:
        fail(f"{exc.path}：{exc.zh}", f"{exc.path}: {exc.en}")
    if not targets:
        fail(
            "没有要监视的系统（还没有系统迁移完成；用 --all 监视全部）",
            "nothing to watch (no system has finished migrating; --all watches every rendered one)",
        )
    url = db or "sqlite:///govmig.db"
    site(url)  # tables in place before the scheduler's job store opens the same database
    config = MonitorConfig(
        prometheus,
        url,
        str(tree.resolve()),
        alertmanager,
        settings.model_dump_json(),
        tuple(sorted(t.key for t in targets)) if only is not None else None,
    )
    out = console()
    if fmt == "table":
        out.print(
            f"监视 watching {len(targets)} 个系统 systems · Prometheus {prometheus} · 每 every {settings.interval_seconds:g} s"
        )
    errors: list[str] = []

    def line(r: CycleResult) -> None:
        if fmt == "json":
            print(
                json.dumps(
                    {
                        "at": r.at.isoformat(),
                        "reachable": r.reachable,
                        "queries": r.queries,
                        "seconds": round(r.seconds, 3),
                        "states": r.counts,
                        "changes": [c.__dict__ for c in r.changes],
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
            return
        head = "[green]可达 reachable[/]" if r.reachable else "[yellow]Prometheus 不可达 unreachable[/]"
        counts = " ".join(f"{STATE_ZH[State(k)]} {k} {v}" for k, v in r.counts.items() if v)
        out.print(f"{r.at:%H:%M:%S} {head} · {r.queries} 查询 queries · {r.seconds:.2f} s · {counts}")
        for c in r.changes:
            out.print(f"    {c.system}: {c.old} → [bold]{c.new}[/] ({c.detail})")

    def error(exc: BaseException) -> None:
        errors.append(str(exc))
        console(stderr=True).print(f"[red]采集周期出错 cycle failed:[/] {exc}")

    ran = run(config, cycles, line, error, threading.Event())
    if cycles is not None and (errors or ran < cycles):
        raise SystemExit(FAILED)


@click.command("health")
@DB
@click.option("--department", default=None, help="只看一个部门 One department only")
@click.option("--watch", is_flag=True, help="持续刷新 Keep the table live (Ctrl-C stops)")
@click.option(
    "--refresh",
    type=click.FloatRange(0.2, 600),
    default=2.0,
    show_default=True,
    help="刷新间隔（秒）Seconds between refreshes",
)
@click.option(
    "--times", type=click.IntRange(1), default=None, hidden=True, help="Stop watching after N refreshes"
)
@FORMAT
def health_command(
    db: str | None, department: str | None, watch: bool, refresh: float, times: int | None, fmt: str
) -> None:
    """各系统健康状态 Health of the watched systems."""
    health = site(db).health
    if fmt == "json":
        emit_json(health.document(department))
        return
    if not watch:
        console().print(health_table(health, department))
        return
    from rich.live import Live

    stop = threading.Event()
    shown = 0
    with Live(health_table(health, department), console=console(), refresh_per_second=4) as live:
        try:
            while not stop.wait(0 if shown == 0 else refresh):
                live.update(health_table(health, department))
                shown += 1
                if times is not None and shown >= times:
                    break
        except KeyboardInterrupt:
            pass


@click.command("dashboard-export")
@OUT
def dashboard_command(out: Path) -> None:
    """导出 Grafana 看板 Write the Grafana dashboard JSON (variables: department, zone, wave)."""
    _write_text(out, json.dumps(grafana(), ensure_ascii=False, indent=2) + "\n")
    console().print(f"已写入 written: {out}")


@click.command("prometheus-config")
@TREE
@click.option(
    "--blackbox", default="127.0.0.1:9115", show_default=True, help="blackbox exporter 地址 host:port"
)
@click.option("--interval", default=None, help="覆盖抓取间隔 Override the scrape interval, e.g. 15s")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="DEPT/ID=URL",
    help="健康检查地址映射 Probe URL for a system (repeatable)",
)
@DB
@click.option(
    "--all", "watch_all", is_flag=True, help="全部已生成的系统（默认只含已迁移的）Every rendered system"
)
@OUT
def prometheus_config_command(
    tree: Path,
    blackbox: str,
    interval: str | None,
    mapping: tuple[str, ...],
    db: str | None,
    watch_all: bool,
    out: Path,
) -> None:
    """生成 Prometheus 配置 A plain prometheus.yml from the rendered Probes (sites without prometheus-operator)."""
    urls: dict[str, str] = {}
    for item in mapping:
        key, sep, url = item.partition("=")
        if not sep or "/" not in key or not url:
            fail(f"--map 的格式应为 DEPT/ID=URL：{item}", f"--map takes DEPT/ID=URL: {item}")
        urls[key] = url
    try:
        _, probes = load_catalog(tree, None if watch_all else _migrated(db))
    except CatalogError as exc:
        fail(f"{exc.path}：{exc.zh}", f"{exc.path}: {exc.en}")
    keyed = {f"{p.labels.get('department')}/{p.labels.get('system')}": p for p in probes}
    unknown = sorted(set(urls) - set(keyed))
    if unknown:
        fail(
            f"--map 中的系统没有健康检查：{', '.join(unknown)}",
            f"--map names systems without a probe: {', '.join(unknown)}",
        )
    probes = [replace(p, urls=(urls[k],)) if k in urls else p for k, p in keyed.items()]
    rules = [str(p.resolve()) for p in Tree(tree).glob(layout.RULE_FILES)]
    _write_text(out, scrape_config(probes, blackbox, rules, interval))
    console().print(
        f"已写入 written: {out}（{len(probes)} 个探测 probes, {len(rules)} 个规则文件 rule files）"
    )


@click.command("usage")
@DB
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="截止日期 Measured up to (default today)"
)
@click.option(
    "--window",
    type=click.IntRange(1, 3660),
    default=180,
    show_default=True,
    help="统计天数 Days covered at most",
)
@OUT
@FORMAT
def usage_command(db: str | None, as_of: Any, window: int, out: Path, fmt: str) -> None:
    """导出实测使用情况 Export measured usage (MeasuredUsage) for `govmig assess --usage`."""
    day = as_of.date() if as_of else date.today()
    report = site(db).health.usage(day, window)
    doc = report.model_dump(mode="json", by_alias=True, exclude_none=True)
    _write_text(out, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    if fmt == "json":
        emit_json({"out": str(out), "systems": len(report.systems)})
    else:
        console().print(f"已写入 written: {out}（{len(report.systems)} 个系统 systems, {day}）")
