"""`govmig discover TREE WAVE|all --window SECONDS -o observed.yaml`: what the sources' hosts talk to and hold,
observed read-only through the wave's inventories and execution nodes, merged into the observation file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from ..app import Discovered, DiscoverError, discover, discovery_runner, read_discovery_settings, record
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail, problems_table


@click.command("discover")
@click.argument("tree", type=click.Path(path_type=Path, file_okay=False))
@click.argument("wave")
@click.option(
    "--window",
    type=click.FloatRange(0, 3600),
    default=30,
    show_default=True,
    help="采样时长（秒）Seconds the connections are sampled over",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="观测文件（已有则合并；默认 TREE/observed.yaml，网页读它）The observation file, merged into when it "
    "exists (default TREE/observed.yaml, which the web pages read)",
)
@click.option(
    "--nodes",
    type=click.Path(path_type=Path, dir_okay=False),
    help="执行节点 Execution nodes (YAML), as for govmig run",
)
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="发现参数 Discovery settings (YAML): samples, connections per host, forks",
)
@FORMAT
def discover_command(
    tree: Path,
    wave: str,
    window: float,
    out: Path | None,
    nodes: Path | None,
    settings_path: Path | None,
    fmt: str,
) -> None:
    """观测源主机的连接与事实 Observe the sources' connections and facts (read-only), merged into OUT."""
    out = out or tree / "observed.yaml"
    settings, problems = read_discovery_settings(settings_path)
    if problems:
        _bad(problems, fmt)
    try:
        runner = discovery_runner(nodes)
    except (OSError, ValueError, ValidationError):
        fail("执行节点文件无法读取或格式不对", "the nodes file cannot be read or is not a nodes file")
    try:
        found = discover(tree, wave, window, runner, settings)
    except DiscoverError as exc:
        fail(exc.zh, exc.en)
    try:
        merged, problems = record(out, found.observation)
    except OSError as exc:
        fail(
            f"无法写入观测文件（{exc.strerror}）",
            f"cannot write the observation file: {exc.strerror}",
            FAILED,
        )
    if merged is None:
        _bad(problems, fmt)
    status = FAILED if found.failed else OK
    if fmt == "json":
        emit_json(_document(found, out))
    else:
        _show(found, out)
    raise SystemExit(status)


def _bad(problems: Sequence[Any], fmt: str) -> NoReturn:
    if fmt == "json":
        emit_json({"errors": [p.as_json() for p in problems]})
    else:
        console(stderr=True).print(problems_table(problems, "输入错误 Input errors"))
    raise SystemExit(BAD_INPUT)


def _document(found: Discovered, out: Path) -> dict[str, object]:
    doc = found.observation.document()
    return {
        "waves": found.waves,
        "connections": doc["connections"],
        "outside": [c.model_dump(mode="json", by_alias=True) for c in found.observation.outside()],
        "hosts": doc["hosts"],
        "failed": [
            {"host": h, "zh": "主机未能观测", "en": "the host could not be observed", "why": why}
            for h, why in sorted(found.failed.items())
        ],
        "written": str(out),
    }


def _show(found: Discovered, out: Path) -> None:
    screen = console()
    table = Table(title="观测到的依赖 Dependencies seen", title_justify="left")
    for name in ("从 from", "到 to", "端口 port", "采样 samples", "首次 first", "最近 last"):
        table.add_column(name, overflow="fold")
    for c in found.observation.connections:
        to = c.to if not c.outside else f"{c.to}（组合外 outside）"
        table.add_row(
            c.from_, to, str(c.port), str(c.samples), f"{c.first_seen:%H:%M:%S}", f"{c.last_seen:%H:%M:%S}"
        )
    screen.print(table)
    facts = Table(title="主机事实 Host facts", title_justify="left")
    for name in ("系统 system", "主机 host", "CPU", "内存 memory GiB", "数据 data GB", "数据库 databases"):
        facts.add_column(name, overflow="fold")
    for h in found.observation.hosts:
        dbs = escape(
            ", ".join(
                f"{d.name}: {d.engine} {d.version or ''} {(d.size_bytes or 0) / 1024**3:.4f} GB"
                if d.measured
                else f"{d.name}: 未测 not measured ({d.why})"
                for d in h.databases
            )
        )
        facts.add_row(
            h.system,
            h.host,
            str(h.cpus),
            f"{h.memory_bytes / 1024**3:.1f}",
            f"{h.data_bytes / 1024**3:.4f}",
            dbs,
        )
    screen.print(facts)
    for host, why in sorted(found.failed.items()):
        screen.print(f"[red]未能观测 not observed: {escape(host)}: {escape(why)}[/]")
    screen.print(f"已写入 Written: {escape(str(out))}")
