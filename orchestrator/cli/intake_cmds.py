"""`govmig validate` and `govmig template`: the department's side of intake."""

from __future__ import annotations

from pathlib import Path

import click

from ..app import LoadedPlan, build_template, read_plan, read_plans
from .observed_view import against_facts, observed_options
from .output import BAD_INPUT, FORMAT, console, emit_json, fail, problems_table


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@observed_options
@FORMAT
def validate(
    paths: tuple[Path, ...], observed: Path | None, schedule: Path | None, settings: Path | None, fmt: str
) -> None:
    """检查迁移计划 Check migration plans (files or folders): every problem, located."""
    intake = read_plans(paths)
    if not intake.loaded:
        fail("没有找到计划文件（.yaml .yml .json .xlsx）", "no plan files found (.yaml .yml .json .xlsx)")
    facts, status = against_facts(intake, observed, schedule, settings, fmt)
    if fmt == "json":
        emit_json(
            {
                "valid": intake.ok,
                "plans": [_summary(item) for item in intake.loaded],
                "errors": [p.as_json() for p in intake.errors],
                "warnings": [p.as_json() for p in intake.warnings],
                **facts,
            }
        )
    else:
        out = console()
        if intake.errors or intake.warnings:
            out.print(problems_table(intake.errors + intake.warnings, "计划检查结果 Plan problems"))
        systems = sum(len(p.systems) for p in intake.plans)
        verdict = "[green]通过 valid[/]" if intake.ok else "[red]未通过 invalid[/]"
        out.print(
            f"{verdict}：{len(intake.loaded)} 个文件 files，{len(intake.plans)} 个有效计划 valid plans，"
            f"{systems} 个系统 systems，{len(intake.errors)} 个错误 errors，{len(intake.warnings)} 个警告 warnings"
        )
    raise SystemExit(status if intake.ok else BAD_INPUT)


def _summary(item: LoadedPlan) -> dict[str, object]:
    """One file: its department and systems as the file gives them, whether or not a field in it fails."""
    return {
        "file": item.file,
        "valid": item.ok,
        "department": item.plan.department.code if item.plan else item.department_code,
        "systems": item.system_count,
    }


@click.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path, dir_okay=False),
    help="用已有计划填充模板 Fill the template from an existing plan",
)
@FORMAT
def template(out: Path, source: Path | None, fmt: str) -> None:
    """生成部门填报模板 Write the department's Excel template."""
    plan = None
    if source is not None:
        loaded = read_plan(source)
        if not loaded.ok:
            console(stderr=True).print(problems_table(loaded.problems, "计划检查结果 Plan problems"))
            fail("来源计划有错误，未生成模板", "the source plan has errors; no template written")
        plan = loaded.plan
    if out.suffix.lower() != ".xlsx":
        fail("模板文件名应以 .xlsx 结尾", "the template's file name must end in .xlsx")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(build_template(plan))
    except OSError as exc:
        fail(f"无法写入 {out}（{exc.strerror}）", f"cannot write {out}: {exc.strerror}", 1)
    if fmt == "json":
        emit_json({"written": str(out), "from": str(source) if source else None})
    else:
        console().print(f"已写入模板 Template written: {out}")
