"""`govmig verify WAVE --tree T`: while a wave is warm, every table's rows and checksum and the files' digest, source
against target, a difference asked again after --recheck-seconds (shared/DOMAIN.md v1.2). Exit 0 equal (a lag that
cleared included), 1 on drift that persists or a side that could not be read, 2 on bad input."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from rich.table import Table

from ..app import Nodes, VerifyRefused, verify_warm
from .options import DB, NODES, TREE, rendered_tree, site
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail

STATE = {
    "equal": "[green]一致 equal[/]",
    "lag": "[green]复查一致 equal on the recheck (lag)[/]",
    "drift": "[red]漂移 drift[/]",
    "error": "[red]未能校验 not read[/]",
}


@click.command("verify")
@click.argument("wave")
@TREE
@DB
@click.option(
    "--recheck-seconds",
    type=click.FloatRange(min=0, max=3600),
    default=60.0,
    show_default=True,
    help="不一致时等待复查的秒数（复制延迟不算漂移）Seconds before a difference is checked again (lag is not drift)",
)
@NODES
@FORMAT
def verify_command(
    wave: str, tree: Path, db: str | None, recheck_seconds: float, nodes: Nodes | None, fmt: str
) -> None:
    """预同步期间校验源与目标：各表行数与校验和、文件摘要；不一致时复查，持续不一致为漂移。Verify a warm wave:
    each table's rows and checksum and the files' digest, source against target; a difference is checked again,
    and what persists is drift (audited, told as verification_drift)."""
    rendered_tree(tree)
    store = site(db).store

    def say(zh: str, en: str) -> None:
        print(f"{zh}\n{en}", file=sys.stderr, flush=True)

    try:
        done = verify_warm(store, tree, wave, getpass.getuser(), recheck_seconds, nodes, say=say)
    except VerifyRefused as refused:
        fail(refused.zh, refused.en, status=BAD_INPUT)
        raise
    if fmt == "json":
        emit_json(done.document())
    else:
        table = Table(title=f"批次 {wave} 热同步校验 Warm verification of {wave}（{done.at[:19]} UTC）")
        for column in ("系统 system", "结果 result", "表 tables", "行 rows", "不一致 differing"):
            table.add_column(column, overflow="fold")
        for s in done.systems:
            table.add_row(
                s.system,
                STATE[s.state],
                str(s.tables),
                f"{s.rows:,}",
                ", ".join(s.drift or s.first)[:200] + ("\n" + "; ".join(s.errors)[:300] if s.errors else ""),
            )
        console().print(table)
    raise SystemExit(OK if done.equal else FAILED)
