"""`govmig plan`: the waves (YAML and JSON), the roadmap chart, and each department's timetable in the terminal."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import click
import yaml
from rich.markup import escape
from rich.table import Table

from ..app import DEFAULT_WAVES, Roadmap, WaveSettings, gantt, plan_observed, read_observation
from .inputs import Inputs, gather, portfolio_options, settings_file
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail, problems_table


@click.command("plan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@portfolio_options
@click.option(
    "--schedule",
    type=click.Path(path_type=Path, dir_okay=False),
    help="批次参数 Wave settings (YAML): capacity, windows, holidays, pilot",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out/plan"),
    show_default=True,
    help="输出目录 Where the waves and the roadmap go",
)
@click.option(
    "--colour-by",
    "--color-by",
    "colour_by",
    type=click.Choice(["network", "department"]),
    default="network",
    show_default=True,
    help="甘特图着色 Colour the chart by",
)
@click.option(
    "--observed",
    type=click.Path(path_type=Path, dir_okay=False),
    help="观测文件 Observation file (govmig discover): undeclared dependencies scheduled as if declared",
)
@FORMAT
def plan_command(
    paths: tuple[Path, ...],
    policy: Path | None,
    usage: Path | None,
    as_of: date,
    schedule: Path | None,
    out: Path,
    colour_by: str,
    observed: Path | None,
    fmt: str,
) -> None:
    """规划迁移批次和路线图 Plan the waves and the roadmap against each department's deadline."""
    inputs = gather(paths, policy, usage, as_of)
    settings = settings_file(inputs, schedule, WaveSettings, DEFAULT_WAVES)
    observation, observation_problems = read_observation(observed) if observed else (None, [])
    inputs.problems += observation_problems
    if not inputs.intake.loaded:
        fail("没有找到计划文件", "no plan files found")
    if inputs.errors and fmt != "json":
        console(stderr=True).print(problems_table(inputs.errors, "输入错误 Input errors"))
    if any(p.severity == "error" for p in inputs.problems):
        if fmt == "json":
            emit_json(
                {"waves": [], "unscheduled": [], "late": [], "errors": [p.as_json() for p in inputs.errors]}
            )
        raise SystemExit(BAD_INPUT)
    amended = plan_observed(inputs.portfolio(settings), observation) if observation is not None else None
    roadmap = amended.roadmap if amended else inputs.portfolio(settings).roadmap
    undeclared = {"undeclared": [u.contract() for u in amended.undeclared]} if amended else {}
    written = _write(out, roadmap, inputs, colour_by)
    if fmt == "json":
        emit_json(
            {
                **roadmap.contract(),
                **undeclared,
                "errors": [p.as_json() for p in inputs.errors],
                "written": [str(p) for p in written],
            }
        )
    else:
        _timetable(roadmap, inputs)
        for u in amended.undeclared if amended else []:
            console().print(
                f"[yellow]未申报的依赖 undeclared dependency[/]：{escape(u.from_)} → {escape(u.to)}（端口 port {u.port}），"
                "已按已申报排期 scheduled as if declared (W2)"
            )
        for path in written:
            console().print(f"已写入 Written: {path}")
    raise SystemExit(BAD_INPUT if inputs.errors else OK)


def _write(out: Path, roadmap: Roadmap, inputs: Inputs, colour_by: str) -> list[Path]:
    contract = roadmap.contract()
    svg, png = gantt(roadmap, inputs.intake.plans, colour_by)
    files = {
        "waves.json": json.dumps(contract, ensure_ascii=False, indent=2).encode(),
        "waves.yaml": yaml.safe_dump(
            json.loads(json.dumps(contract)), allow_unicode=True, sort_keys=False
        ).encode(),
        "roadmap.svg": svg,
        "roadmap.png": png,
    }
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
    except OSError as exc:
        fail(f"无法写入 {out}（{exc.strerror}）", f"cannot write to {out}: {exc.strerror}", FAILED)
    return [out / name for name in files]


def _timetable(roadmap: Roadmap, inputs: Inputs) -> None:
    out = console()
    waves_of: dict[str, list[tuple[str, str, list[str]]]] = defaultdict(list)
    for w in roadmap.waves:
        per: dict[str, list[str]] = defaultdict(list)
        for key in w.systems:
            dept, _, sid = key.partition("/")
            per[dept].append(sid)
        kind = "试点 pilot" if w.pilot else "涉密 classified" if w.classified else "非涉密"
        for dept, ids in per.items():
            waves_of[dept].append((w.id, f"{w.start:%Y-%m-%d %H:%M} → {w.end:%m-%d %H:%M} {kind}", ids))
    late = {x.system: x for x in roadmap.late}
    stuck = {u.system: u for u in roadmap.unscheduled}
    for plan in sorted(inputs.intake.plans, key=lambda p: (p.deadline, p.department.code)):
        code = plan.department.code
        table = Table(
            title=f"{plan.department.name} {code} · 截止 deadline {plan.deadline}", title_justify="left"
        )
        for name in ("批次 Wave", "时间 Window", "系统 Systems", "状态 Status"):
            table.add_column(name, overflow="fold")
        for wid, when, ids in waves_of.get(code, []):
            lates = [late[f"{code}/{i}"] for i in ids if f"{code}/{i}" in late]
            status = (
                f"[red]延期 {max(x.days_late for x in lates)} 天 late ({lates[0].binding})[/]"
                if lates
                else "[green]按期 on time[/]"
            )
            table.add_row(wid, when, ", ".join(ids), status)
        for key, u in stuck.items():
            if key.startswith(code + "/"):
                table.add_row("—", "[yellow]未排期 unscheduled[/]", key.split("/", 1)[1], f"{u.zh} / {u.en}")
        if table.row_count:
            out.print(table)
    out.print(
        f"共 {len(roadmap.waves)} 批 waves，{sum(len(w.systems) for w in roadmap.waves)} 个系统已排期 scheduled，"
        f"{len(roadmap.unscheduled)} 个未排期 unscheduled，{len(roadmap.late)} 个延期 late"
    )
