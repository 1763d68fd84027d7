"""`govmig lab up TREE WAVE DIR` and `govmig lab down DIR`: the rehearsal site for a night's wave."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from ..app import SITE, LabError
from ..app import LabSite as Site
from ..app import lab_down as down
from ..app import lab_up as up
from .output import BAD_INPUT, FAILED, FORMAT, console, emit_json, fail


@click.group("lab")
def lab_group() -> None:
    """演练环境 A rehearsal site: the wave's hosts and databases as stand-ins on this machine."""


@lab_group.command("up")
@click.argument("tree", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("wave")
@click.argument("where", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option("--local", is_flag=True, help="本机连接，不建网络命名空间 The local connection, no namespaces")
@FORMAT
def lab_up(tree: Path, wave: str, where: Path, local: bool, fmt: str) -> None:
    """搭建演练环境 Build stand-ins for every host of WAVE, start its databases, point the inventory at them."""
    say = (lambda _: None) if fmt == "json" else (lambda line: console(stderr=True).print(line))
    try:
        site = up(tree, wave, where, say, local=local)
    except LabError as exc:
        fail(exc.zh, exc.en, BAD_INPUT)
    except Exception as exc:  # a server that would not start, a namespace refused: said, and undone
        fail("演练环境搭建失败（已清理）", f"the rehearsal site could not be built (undone): {exc}", FAILED)
    try:
        _show(site, tree, wave, where, fmt)
    except Exception as exc:  # whatever fails after the site stands: it is taken down, never left running
        down(site.root)
        fail(
            "演练环境已搭建但无法显示，已拆除",
            f"the rehearsal site was built but could not be shown, and was taken down ({type(exc).__name__})",
            FAILED,
        )


def _show(site: Site, tree: Path, wave: str, where: Path, fmt: str) -> None:
    document = json.loads((site.root / SITE).read_text(encoding="utf-8"))
    if fmt == "json":
        emit_json({**document, "mode": site.mode, "site": str(site.root / SITE)})
        return
    table = Table(title=f"演练环境 Rehearsal site {wave}（{site.mode}）")
    for name in ("系统 System", "引擎 Engine", "源 Source", "目标 Target"):
        table.add_column(name, overflow="fold")
    for key, system in document["systems"].items():
        files = system["files"]  # a retired system has no target: its files go to the archive
        for db in system["databases"] or [
            {"engine": "files", "source": files["source"], "target": files.get("target", "")}
        ]:
            target = db.get("target") or (f"归档 archive {files['archive']}" if "archive" in files else "")
            table.add_row(key, db["engine"], _hidden(db["source"]), _hidden(target))
    console().print(table)
    console().print(f"site.json（含口令，仅本人可读 with passwords, owner-only）: {site.root / SITE}")
    console().print(f"  govmig run {wave} --tree {tree}    …    govmig lab down {where}")


def _hidden(dsn: str) -> str:
    """A DSN for the screen: the password stays in site.json."""
    if "@" not in dsn or "://" not in dsn:
        return dsn
    scheme, rest = dsn.split("://", 1)
    user = rest.split("@", 1)[0].split(":", 1)[0]
    return f"{scheme}://{user}:***@{rest.split('@', 1)[1]}"


@lab_group.command("down")
@click.argument("where", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@FORMAT
def lab_down(where: Path, fmt: str) -> None:
    """拆除演练环境 Stop everything `lab up` started in DIR."""
    try:
        stopped = down(where)
    except LabError as exc:
        fail(exc.zh, exc.en, BAD_INPUT)
    if fmt == "json":
        emit_json({"stopped": stopped})
    else:
        console().print(
            f"已停止 stopped: {len(stopped)}（{', '.join(stopped[:6])}{' …' if len(stopped) > 6 else ''}）"
        )
