"""The night's manual tasks as people close them (`govmig task done WAVE DEPT/ID TASK --by NAME`, the wave's page)
and as `govmig status` lists them. A task is closed by an enabled account holding the task's role (a department's
account for its own systems only); the run waiting at it goes on at the next resume."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..contracts import Tree, WaveTasks
from ..store import Accounts, ManualTasks, Store, TaskClosed, TaskRow
from .credentials import ROLE_ZH


@dataclass(frozen=True)
class TaskRefused(Exception):
    zh: str
    en: str
    bad_input: bool = True
    """True: the request names what does not exist (exit 2); False: a refusal of who asks (exit 1)."""


def wave_tasks_of(tree: Path, wave: str) -> WaveTasks:
    path = Tree(tree).tasks(wave)
    if not path.is_file():
        return WaveTasks(wave=wave)
    return WaveTasks.model_validate_json(path.read_bytes())


def task_documents(store: Store, tree: Path, wave: str) -> list[dict[str, Any]]:
    """Every manual task of the wave's systems with its state (`govmig status WAVE` lists them under `tasks`)."""
    closed = {(t.system, t.task): t for t in ManualTasks(store.engine).of(wave)}
    said = {
        (a.target.partition("/")[2], a.detail)
        for a in store.audit_log(f"{wave}/")
        if a.action == "task.waiting"
    }
    rows: list[dict[str, Any]] = []
    for system, tasks in sorted(wave_tasks_of(tree, wave).systems.items()):
        for task in tasks:
            row: TaskRow | None = closed.get((system, task.id))
            rows.append(
                {
                    "system": system,
                    "task": task.id,
                    "zh": task.zh,
                    "en": task.en,
                    "role": task.role,
                    "before": task.before,
                    "after": task.after,
                    "state": "done"
                    if row and row.done
                    else ("waiting" if (system, task.id) in said else "open"),
                    "done_by": row.done_by if row else None,
                    "done_at": row.done_at.isoformat() if row and row.done_at else None,
                    "note": row.note if row else "",
                }
            )
    return rows


def close_task(
    store: Store, tree: Path, wave: str, system: str, task: str, by: str, note: str = ""
) -> TaskRow:
    """Closes the task for `by` (TaskRefused when the wave, system or task is unknown, `by` is no enabled account
    of the task's role, or the task was closed already)."""
    tasks = wave_tasks_of(tree, wave)
    found = next((t for t in tasks.systems.get(system, []) if t.id == task), None)
    if found is None:
        known = ", ".join(t.id for t in tasks.systems.get(system, [])) or "无 none"
        raise TaskRefused(
            f"批次 {wave} 的 {system} 没有人工任务 {task}（有：{known}）",
            f"{system} has no manual task {task} in wave {wave} (it has: {known})",
        )
    user = Accounts(store.engine).user(by)
    if user is None:
        raise TaskRefused(f"没有启用的账号 {by}", f"no enabled account {by}")
    if user.role != found.role or (
        found.role == "department" and user.department != system.partition("/")[0]
    ):
        raise TaskRefused(
            f"任务 {task} 须由{ROLE_ZH.get(found.role, found.role)}完成"
            + ("（本部门）" if found.role == "department" else "")
            + f"，{by} 是{ROLE_ZH.get(user.role, user.role)}",
            f"task {task} is for {found.role}"
            + (" of the system's own department" if found.role == "department" else "")
            + f"; {by} is {user.role}",
            bad_input=False,
        )
    try:
        return ManualTasks(store.engine).close(wave, system, task, by, note)
    except TaskClosed as closed:
        raise TaskRefused(closed.zh, closed.en, bad_input=False) from None
