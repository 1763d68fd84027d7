"""What in the audit chain is worth telling someone, and how it is told (Chinese first, English beside).

Each recorded change is read once (store/notices.py) and, where it is one of the events of shared/DOMAIN.md v1.2,
becomes a `Raised`: the event's name, the wave and the system it is about, the sentence in both languages and when.
The actions read are the ones the store writes: `wave.run` (started), `wave.STATUS`, `step.STEP` (started, finished,
failed), `approval.ask`; and, for the night's runbook, `task.waiting`, `wave.preflight` and `wave.verify`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..contracts import ApprovalStatus, StepStatus, WaveState
from ..contracts import steps as step_names
from ..store import ChainEntry

KINDS_ZH = {"decommission": "源系统下线", "retire": "僵尸系统清理", "rollback_discard": "丢弃目标写入的回退"}


@dataclass(frozen=True)
class Raised:
    event: str
    wave: str | None
    system: str | None
    zh: str
    en: str
    at: datetime

    @property
    def department(self) -> str | None:
        """The department of the system it is about (DEPT/ID), if it is about one."""
        return self.system.split("/", 1)[0] if self.system and "/" in self.system else None

    def document(self) -> dict[str, Any]:
        """The webhook's body (shared/DOMAIN.md v1.2): event, wave, system, zh, en, at."""
        return {
            "event": self.event,
            "wave": self.wave,
            "system": self.system,
            "zh": self.zh,
            "en": self.en,
            "at": self.at.isoformat(),
        }


def _wave_and_system(target: str) -> tuple[str, str | None]:
    """A step's target is WAVE/DEPT/ID."""
    wave, _, system = target.partition("/")
    return wave, system or None


def raised(entry: ChainEntry) -> Raised | None:
    """The event an audit entry raises, or None."""
    action, result, at = entry.action, entry.result, entry.at
    detail = (entry.detail or "").strip()
    if action == "wave.run" and result == StepStatus.started:
        w = entry.target
        return Raised("wave_started", w, None, f"批次 {w} 开始执行", f"wave {w} started", at)
    if action in (f"wave.{WaveState.done}", f"wave.{WaveState.partial}"):
        w = entry.target
        if action.endswith(WaveState.partial):
            return Raised(
                "wave_done",
                w,
                None,
                f"批次 {w} 执行结束：部分系统已回退",
                f"wave {w} ended: some systems rolled back",
                at,
            )
        return Raised(
            "wave_done", w, None, f"批次 {w} 全部切换完成", f"wave {w} done: every system cut over", at
        )
    if action.startswith("step."):
        step = action.removeprefix("step.")
        w, system = _wave_and_system(entry.target)
        if system is None:
            return None
        if step == step_names.ROLLBACK and result == StepStatus.started:
            return Raised(
                "rollback_started",
                w,
                system,
                f"批次 {w}：{system} 开始回退",
                f"wave {w}: {system} is rolling back",
                at,
            )
        if result == StepStatus.failed:
            why = f"：{detail[:300]}" if detail else ""
            because = f": {detail[:300]}" if detail else ""
            return Raised(
                "system_failed",
                w,
                system,
                f"批次 {w}：{system} 的 {step} 步失败{why}",
                f"wave {w}: {system} failed at {step}{because}",
                at,
            )
        if step == step_names.CUTOVER and result == StepStatus.finished:
            return Raised(
                "acceptance_requested",
                w,
                system,
                f"{system} 已切换上云（批次 {w}），请部门验证业务并验收",
                f"{system} is cut over (wave {w}): the department is asked to check it and accept",
                at,
            )
        return None
    if action == "approval.ask" and result == ApprovalStatus.pending:
        number, kind, wave = [*detail.split(), "", "", ""][:3]
        return Raised(
            "approval_waiting",
            wave or None,
            entry.target,
            f"{entry.actor} 申请对 {entry.target} 执行{KINDS_ZH.get(kind, kind)}（{number}），等待第二人审批",
            f"{entry.actor} asks to {kind.replace('_', ' ')} {entry.target} ({number}): a second person must approve",
            at,
        )
    if action == "task.waiting":
        w, system = _wave_and_system(entry.target)
        return Raised(
            "task_waiting",
            w,
            system,
            f"批次 {w}：{system} 等待人工任务 {detail}",
            f"wave {w}: {system} waits for the manual task {detail}",
            at,
        )
    if action == "wave.preflight" and result == "not_ready":
        w = entry.target
        return Raised(
            "preflight_failed",
            w,
            None,
            f"批次 {w} 预检未通过：{detail[:300]}",
            f"wave {w} failed its preflight: {detail[:300]}",
            at,
        )
    if action == "wave.verify" and result == "drift":
        w, system = _wave_and_system(entry.target)
        return Raised(
            "verification_drift",
            w,
            system,
            f"批次 {w}：{system} 源与目标数据不一致：{detail[:300]}",
            f"wave {w}: {system}'s source and target differ: {detail[:300]}",
            at,
        )
    return None
