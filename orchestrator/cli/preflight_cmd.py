"""`govmig preflight WAVE --tree T`: what the wave's night will lean on, checked before it (shared/DOMAIN.md v1.2).
Exit 0 ready, 1 when anything is critical, 2 on bad input."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from ..app import PREFLIGHT_CHECKS, Nodes, run_preflight
from .options import DB, NODES, TREE, rendered_tree, site
from .output import FAILED, FORMAT, OK, console, emit_json

SEVERITY_ZH = {"critical": "[red]严重 critical[/]", "warning": "[yellow]提醒 warning[/]"}


@click.command("preflight")
@click.argument("wave")
@TREE
@DB
@NODES
@click.option(
    "--prober",
    envvar="GOVMIG_PROBER",
    default=None,
    help="blackbox exporter 地址（默认取渲染的 Probe 中的地址）The blackbox exporter the health URLs are asked of "
    "(default: the one each rendered Probe names)",
)
@FORMAT
def preflight_command(
    wave: str, tree: Path, db: str | None, nodes: Nodes | None, prober: str | None, fmt: str
) -> None:
    """预检批次：渲染目录未被改动、无人正在执行、各主机可达且预检通过（检查模式，不改动主机）。
    Preflight a wave: the tree unchanged since render, nobody running it, every host reachable and passing its
    precheck (check mode: nothing on a host changes), the front ends' switch, the hosts' clocks, each target's
    health URL as the prober sees it. Recorded; a real run needs a ready one."""
    rendered_tree(tree)
    store = site(db).store
    if fmt == "table":
        console(stderr=True).print(
            f"预检批次 {wave}：检查渲染目录和各主机…  preflight of {wave}: the tree, then the hosts…"
        )
    result = run_preflight(store, tree, wave, getpass.getuser(), nodes, prober=prober)
    if fmt == "json":
        emit_json(result.document())
    else:
        table = Table(title=f"批次 {wave} 预检 Preflight of {wave}（{result.at:%Y-%m-%d %H:%M:%S} UTC）")
        for column in ("系统 system", "检查 check", "级别 severity", "说明 finding"):
            table.add_column(column)
        for f in result.findings:
            table.add_row(  # a finding's words may hold a host's or a prober's own: text, not markup
                escape(f.system or f"批次 wave {wave}"),
                escape(" ".join(PREFLIGHT_CHECKS.get(f.check, (f.check, ""))) + f"\n{f.check}"),
                SEVERITY_ZH[f.severity],
                escape(f"{f.zh}\n{f.en}"),
            )
        out = console()
        if result.findings:
            out.print(table)
        out.print(
            "[green]就绪：可以执行 ready to run[/]"
            if result.ready
            else "[red]未就绪：有严重问题，执行将被拒绝 not ready: critical findings; a real run will be refused[/]"
        )
    raise SystemExit(OK if result.ready else FAILED)
