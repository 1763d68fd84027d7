"""The night's runbook per wave (playbooks/WAVE.runbook.md): what moves how, what the operator does by hand.

For each system, each database's path (its engine's replication, or a checkpoint with the engine's own tools,
or an offline transfer for a classified system) and the command that passes a checkpoint; then the commands of
the night in order. Plan text is written escaped and on one line: a department's name cannot become markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ..contracts import WaveTasks
from ..plan import engine_profile
from ..waves import Wave
from .datamoves import data_moves
from .settings import RenderSettings
from .templates import oneline
from .views import SystemView

HOW = {
    "logical": (
        "逻辑复制（预同步时建副本，窗口内追平后提升）",
        "logical replication (a replica filled ahead, caught up and promoted in the window)",
    ),
    "binlog": (
        "一致性导出＋二进制日志复制（GTID）",
        "a consistent dump and a binlog replica from its GTID position",
    ),
    "checkpoint": (
        "检查点：用引擎自带工具迁移，完成后确认",
        "checkpoint: moved with the engine's own tools, then confirmed",
    ),
    "offline": ("检查点：离线介质摆渡", "checkpoint: offline transfer on approved media"),
}


def _text(value: object) -> str:
    return html.escape(oneline(value), quote=False).replace("|", "\\|").replace("`", "'")


def _tasks(tasks: WaveTasks) -> list[str]:
    """The site's manual tasks per system, as the run waits for them (`govmig task done` closes one)."""
    if not tasks.systems:
        return []
    lines = [
        "",
        "## 人工任务 Manual tasks",
        "",
        "| 系统 System | 任务 Task | 时机 When | 负责 Role | 内容 What |",
        "|---|---|---|---|---|",
    ]
    for key, mine in sorted(tasks.systems.items()):
        for t in mine:
            when = f"{t.before} 之前 before" if t.before else f"{t.after} 之后 after"
            lines.append(f"| {key} | {t.id} | {when} | {t.role} | {_text(t.zh)} / {_text(t.en)} |")
    return lines


def runbook(
    wave: Wave, views: Sequence[SystemView], settings: RenderSettings, tasks: WaveTasks | None = None
) -> str:
    lines = [
        f"# 迁移批次 {wave.id} 操作手册 · Runbook for wave {wave.id}",
        "",
        f"- 窗口 Window: {wave.start.isoformat()} → {wave.end.isoformat()}"
        + ("（涉密 classified）" if wave.classified else ""),
    ]
    if wave.presync_start is not None:
        lines.append(
            f"- 预同步开始 Pre-sync starts: {wave.presync_start.isoformat()} ({wave.presync_gb:g} GB)"
        )
    lines += [f"- 窗口内数据 In the window: {wave.window_gb:g} GB", ""]
    lines += [
        "| 系统 System | 数据库 Database | 引擎 Engine | 迁移方式 How | 工具 Tools |",
        "|---|---|---|---|---|",
    ]
    checkpoints = []
    for v in sorted(views, key=lambda v: v.key):
        moves = data_moves(
            v.system, [str(d.engine) for d in v.databases], v.classified, settings.approved_internal_link
        )
        if not moves:
            lines.append(f"| {v.key} {_text(v.title)} | – | – | 文件 files (rsync) | – |")
        for m in moves:
            operator = engine_profile(m.engine).operator
            on_cloud = m.driven and v.kind == "container" and operator is not None
            zh, en = operator.runbook if on_cloud and operator else HOW[m.how]
            tools = f"{m.runbook[0]} / {m.runbook[1]}" if m.runbook else "govmig"
            lines.append(f"| {v.key} {_text(v.title)} | {m.name} | {m.engine} | {zh} / {en} | {tools} |")
            if not m.driven:
                checkpoints.append(v.key)
    lines += _tasks(tasks) if tasks else []
    lines += [
        "",
        "## 当晚步骤 The night, in order",
        "",
        f"1. `govmig preflight {wave.id} --tree TREE`：预检 preflight (the tree unchanged, the hosts reachable and "
        "passing their precheck; a real run needs a ready one)",
        f"1. `govmig run {wave.id} --check`：检查模式 check mode (changes nothing; says what it cannot check)",
        f"1. `govmig run {wave.id}`：预检、备份、预同步、部署、停写与终同步、校验、切换 precheck, backup, pre-sync, "
        "deploy, stop writes and final sync, verify, cut over",
    ]
    if tasks and tasks.systems:
        lines.append(
            f"1. 人工任务完成后 When a manual task is done: `govmig task done {wave.id} DEPT/ID TASK --by NAME`"
            "（运行在未完成的任务处等待 the run waits at an open task）"
        )
    for key in sorted(set(checkpoints)):
        lines.append(
            f'1. `govmig confirm {wave.id} {key} --note "…"`：{key} 在检查点等待，人工迁移并核对后确认 waits at a '
            "checkpoint: confirm once moved and checked by hand, then `govmig resume " + wave.id + "`"
        )
    lines += [
        f"1. `govmig status {wave.id}`：每个系统的校验结果与停写时长 each system's verification and write downtime",
        f"1. 出问题时 If it goes wrong: `govmig rollback DEPT/ID --wave {wave.id}`（切换后目标上的写入带回源系统 the "
        "target's writes since cutover go back to the source first）",
        f"1. 部门验收后 After the department's acceptance: `govmig decommission DEPT/ID --wave {wave.id}`"
        "（此后不能回退 no way back after it）",
        "",
    ]
    return "\n".join(lines)
