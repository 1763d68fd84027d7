"""`govmig validate … --observed observed.yaml`: the declared sizes and engines the hosts' facts contradict, and
the window each such system needs with its measured sizes (the options, and how the answer is shown)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape
from rich.table import Table

from ..app import validate_observed
from .output import BAD_INPUT, FAILED, OK, console, emit_json, problems_table

F = TypeVar("F", bound=Callable[..., Any])


def observed_options(fn: F) -> F:
    """--observed, with the schedule (link and window) and discovery's tolerance it is judged by."""
    fn = click.option(
        "--settings",
        type=click.Path(path_type=Path, dir_okay=False),
        help="发现参数 Discovery settings (YAML): size_tolerance, size_slack_gb",
    )(fn)
    fn = click.option(
        "--schedule",
        type=click.Path(path_type=Path, dir_okay=False),
        help="批次参数 Wave settings (YAML): the link and the window the sizes are judged against",
    )(fn)
    fn = click.option(
        "--observed",
        type=click.Path(path_type=Path, dir_okay=False),
        help="观测文件 Observation file (govmig discover): declared sizes the facts contradict",
    )(fn)
    return fn


def against_facts(
    intake: Any, observed: Path | None, schedule: Path | None, settings: Path | None, fmt: str
) -> tuple[dict[str, object], int]:
    """What the JSON adds (`corrections`, `windows`) and the exit status: 1 when the facts contradict a plan;
    a bad observation, schedule or settings file is bad input (located, exit 2)."""
    if observed is None or not intake.ok:
        return {}, OK
    found, problems = validate_observed(intake.plans, observed, schedule, settings)
    if found is None:
        if fmt == "json":
            emit_json({"valid": False, "errors": [p.as_json() for p in problems]})
        else:
            console(stderr=True).print(
                problems_table(problems, "观测文件或参数有误 Observation or settings problems")
            )
        raise SystemExit(BAD_INPUT)
    if fmt != "json":
        _show(found.contract())
    return found.contract(), FAILED if found.corrections else OK


def _show(found: dict[str, Any]) -> None:
    out = console()
    table = Table(title="实测与申报不符 What the facts contradict", title_justify="left")
    for name in ("系统 system", "字段 field", "申报 declared", "实测 measured", "说明", "note"):
        table.add_column(name, overflow="fold")
    for c in found["corrections"]:
        table.add_row(*(escape(str(c[k])) for k in ("system", "field", "declared", "measured", "zh", "en")))
    if found["corrections"]:
        out.print(table)
    for w in found["windows"]:
        out.print(escape(f"{w['system']}：{w['zh']}\n{w['system']}: {w['en']}"))
    if not found["corrections"]:
        out.print("[green]实测与申报相符 the facts contradict no declared size[/]")
