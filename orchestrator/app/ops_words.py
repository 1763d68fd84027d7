"""The ops pages' words for what a run records: the steps, the cells of a wave's matrix, and Ansible's events
(runner_on_ok, playbook_on_task_start ...) said as results people read, Chinese first with English beside."""

from __future__ import annotations

from ..contracts import WaveState
from ..contracts import steps as names

STEP_ZH: dict[str, str] = {
    names.PRECHECK: "预检",
    names.BACKUP: "备份",
    names.PRESYNC: "预同步",
    names.DEPLOY: "部署",
    names.FINAL_SYNC: "终同步",
    names.VERIFY: "验证",
    names.CUTOVER: "切换",
    names.ROLLBACK: "回退",
    names.DECOMMISSION: "下线",
    names.RETIRE: "清理",
}
STEP_EN: dict[str, str] = {
    names.PRECHECK: "precheck",
    names.BACKUP: "backup",
    names.PRESYNC: "pre-sync",
    names.DEPLOY: "deploy",
    names.FINAL_SYNC: "final sync",
    names.VERIFY: "verify",
    names.CUTOVER: "cutover",
    names.ROLLBACK: "rollback",
    names.DECOMMISSION: "decommission",
    names.RETIRE: "retire",
}

RESULTS: dict[str, tuple[str, str, str]] = {
    # Ansible's event → (result, 中文, English)
    "runner_on_ok": ("ok", "成功", "ok"),
    "runner_item_on_ok": ("ok", "成功", "ok"),
    "runner_on_failed": ("failed", "失败", "failed"),
    "runner_item_on_failed": ("failed", "失败", "failed"),
    "runner_on_skipped": ("skipped", "跳过", "skipped"),
    "runner_item_on_skipped": ("skipped", "跳过", "skipped"),
    "runner_on_unreachable": ("unreachable", "无法连接", "unreachable"),
    # govmig's own notes in the log (execute/loop: a wait, a checkpoint, the cluster's objects)
    "task": ("waiting", "等待人工任务", "waiting for a manual task"),
    "checkpoint": ("waiting", "等待确认", "awaiting confirmation"),
    "k8s_apply": ("applied", "已应用集群对象", "cluster objects applied"),
    "gitops": ("applied", "已写入 GitOps", "written for GitOps"),
    "go": ("ok", "已放行切换", "go given for the cutover"),
}
"""The events that are lines of the readable log."""
CHANGED = ("changed", "已更改", "changed")
OTHER: dict[str, tuple[str, str, str]] = {
    # the rest, shown only with the raw events asked for
    "playbook_on_start": ("started", "剧本开始", "playbook started"),
    "playbook_on_play_start": ("started", "阶段开始", "play started"),
    "playbook_on_task_start": ("started", "任务开始", "task started"),
    "runner_on_start": ("started", "主机开始执行", "started on the host"),
    "playbook_on_stats": ("summary", "执行统计", "summary"),
}
NOTE_TASK: dict[str, tuple[str, str]] = {
    "task": ("人工任务", "manual task"),
    "checkpoint": ("人工检查点", "checkpoint"),
    "k8s_apply": ("集群对象", "cluster objects"),
    "gitops": ("GitOps", "GitOps"),
    "go": ("切换放行", "go/no-go"),
}
"""A govmig note's task column: its message is the note itself."""
FAILURES = frozenset({"failed", "unreachable"})

CELL_WORDS: dict[str, tuple[str, str]] = {
    "pending": ("未开始", "not started"),
    "running": ("进行中", "running"),
    "done": ("完成", "done"),
    "failed": ("失败", "failed"),
    "waiting": ("等待中", "waiting"),
}
"""A cell of the systems × steps matrix."""


def result_of(kind: str, changed: bool | None) -> tuple[str, str, str] | None:
    """(result, zh, en) of a stored event; None for an event that is no line of the readable log."""
    found = RESULTS.get(kind)
    if found is not None and found[0] == "ok" and changed:
        return CHANGED
    return found


def words(kind: str) -> tuple[str, str, str]:
    """Any event's words, also those that are no line (the raw view's)."""
    return RESULTS.get(kind) or OTHER.get(kind) or ("other", "其他事件", "other event")


WAVE_ZH: dict[str, str] = {
    WaveState.running: "执行中",
    WaveState.paused: "已暂停",
    WaveState.done: "已完成",
    WaveState.partial: "部分完成（有回退）",
    WaveState.failed: "失败",
}
"""A wave record's state in Chinese (the English is the state's own name)."""
