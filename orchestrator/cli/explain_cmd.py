"""`govmig explain WAVE DEPT/ID --note TEXT`: a drift `govmig verify` found, explained, so the system's cutover may
go on (the next resume takes it). Exit 0 explained, 2 nothing to explain or no note."""

from __future__ import annotations

import click

from ..app import DriftRefused, explain_drift
from .options import DB, site
from .output import BAD_INPUT, FORMAT, console, emit_json, fail


@click.command("explain")
@click.argument("wave")
@click.argument("system", metavar="DEPT/ID")
@click.option("--note", required=True, help="差异为何可以接受 Why the difference is expected")
@click.option("--by", default=None, help="说明人（默认当前用户）Who explains (default: this user)")
@DB
@FORMAT
def explain_command(wave: str, system: str, note: str, by: str | None, db: str | None, fmt: str) -> None:
    """说明核验发现的数据差异，放行该系统的切换 Explain a drift verify found; the system's cutover may go on."""
    try:
        done = explain_drift(site(db).store, wave, system, note, by)
    except DriftRefused as refused:
        fail(refused.zh, refused.en, status=BAD_INPUT)
        raise
    if fmt == "json":
        emit_json(
            {"wave": done.wave, "system": done.system, "drift": done.drift, "by": done.by, "note": done.note}
        )
        return
    console().print(
        f"已说明 explained: {done.system}（{done.drift}）：{done.note}；下次继续执行时切换 the next resume cuts it over"
    )
