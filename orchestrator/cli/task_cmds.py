"""`govmig task done WAVE DEPT/ID TASK --by NAME [--note]` and `govmig task list WAVE`: the night's manual tasks
(the site's runbook, carried in the tree by render). Exit 0 done, 1 refused, 2 bad input."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..app import TaskRefused, close_task, resume_after_task, task_documents
from .options import DB, TREE, site
from .output import BAD_INPUT, FAILED, FORMAT, console, emit_json, fail

STATE_ZH = {"done": "[green]已完成 done[/]", "waiting": "[yellow]等待中 waiting[/]", "open": "未开始 open"}


@click.group("task")
def task_group() -> None:
    """当晚人工任务 The night's manual tasks (the site's runbook)."""


@task_group.command("done")
@click.argument("wave")
@click.argument("system", metavar="DEPT/ID")
@click.argument("task")
@click.option(
    "--by",
    required=True,
    help="完成人（启用的账号，须为任务的角色）Who did it (an enabled account of the task's role)",
)
@click.option("--note", default="", help="做了什么 What was done")
@TREE
@DB
@FORMAT
def done_command(
    wave: str, system: str, task: str, by: str, note: str, tree: Path, db: str | None, fmt: str
) -> None:
    """关闭人工任务；由执行器执行的批次自动排队继续，否则提示运行 govmig resume。Close a manual task; a wave its
    workers run is queued to go on by itself, else the answer says `govmig resume` is needed."""
    here = site(db)
    try:
        row = close_task(here.store, tree, wave, system, task, by, note)
    except TaskRefused as refused:
        fail(refused.zh, refused.en, status=BAD_INPUT if refused.bad_input else FAILED)
        raise
    resumed = resume_after_task(here, tree, wave)
    if fmt == "json":
        emit_json(
            {
                "wave": wave,
                "system": system,
                "task": task,
                "done_by": row.done_by,
                "done_at": row.done_at,
                "resume": {
                    "job": resumed.job.id if resumed.job else None,
                    "zh": resumed.zh,
                    "en": resumed.en,
                },
            }
        )
    else:
        console().print(f"已完成 done: {wave} {system} {task}\n{resumed.zh}\n{resumed.en}")


@task_group.command("list")
@click.argument("wave")
@TREE
@DB
@FORMAT
def list_command(wave: str, tree: Path, db: str | None, fmt: str) -> None:
    """列出批次的人工任务及其状态 The wave's manual tasks and their state."""
    rows = task_documents(site(db).store, tree, wave)
    if fmt == "json":
        emit_json({"wave": wave, "tasks": rows})
        return
    table = Table(title=f"批次 {wave} 人工任务 Manual tasks of {wave}")
    for column in ("系统 system", "任务 task", "时机 when", "角色 role", "状态 state", "内容 what"):
        table.add_column(column)
    for r in rows:
        when = f"{r['before']} 之前 before" if r["before"] else f"{r['after']} 之后 after"
        state = STATE_ZH[r["state"]] + (f"\n{r['done_by']}" if r["done_by"] else "")
        table.add_row(r["system"], r["task"], when, r["role"], state, f"{r['zh']}\n{r['en']}")
    console().print(table if rows else f"批次 {wave} 没有人工任务 no manual tasks in {wave}")
