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

KINDS_ZH = {
    "decommission": "源系统下线",
    "retire": "僵尸系统清理",
    "rollback_discard": "丢弃目标写入的回退",
    "cutover_go": "切换放行（go/no-go）",
}
KINDS_EN = {"cutover_go": "cut over (go/no-go)"}


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


def _wave(entry: ChainEntry) -> Raised | None:
    """A wave's start (`wave.run`, started) and end (`wave.done`, `wave.partial`)."""
    w, at = entry.target, entry.at
    if entry.action == "wave.run" and entry.result == StepStatus.started:
        return Raised("wave_started", w, None, f"批次 {w} 开始执行", f"wave {w} started", at)
    if entry.action == f"wave.{WaveState.done}":
        return Raised(
            "wave_done", w, None, f"批次 {w} 全部切换完成", f"wave {w} done: every system cut over", at
        )
    if entry.action == f"wave.{WaveState.partial}":
        zh, en = f"批次 {w} 执行结束：部分系统已回退", f"wave {w} ended: some systems rolled back"
        return Raised("wave_done", w, None, zh, en, at)
    return None


def _step(entry: ChainEntry) -> Raised | None:
    """A system's rollback begun, a step failed, a cutover finished (the department's acceptance is asked)."""
    step, result, at = entry.action.removeprefix("step."), entry.result, entry.at
    w, system = _wave_and_system(entry.target)
    if system is None:
        return None
    if step == step_names.ROLLBACK and result == StepStatus.started:
        zh, en = f"批次 {w}：{system} 开始回退", f"wave {w}: {system} is rolling back"
        return Raised("rollback_started", w, system, zh, en, at)
    if result == StepStatus.failed:
        detail = (entry.detail or "").strip()[:300]
        zh = f"批次 {w}：{system} 的 {step} 步失败" + (f"：{detail}" if detail else "")
        en = f"wave {w}: {system} failed at {step}" + (f": {detail}" if detail else "")
        return Raised("system_failed", w, system, zh, en, at)
    if step == step_names.CUTOVER and result == StepStatus.finished:
        zh = f"{system} 已切换上云（批次 {w}），请部门验证业务并验收"
        en = f"{system} is cut over (wave {w}): the department is asked to check it and accept"
        return Raised("acceptance_requested", w, system, zh, en, at)
    return None


def _approval(entry: ChainEntry) -> Raised | None:
    """An irreversible operation asked, waiting for a second person."""
    if entry.result != ApprovalStatus.pending:
        return None
    number, kind, wave = [*(entry.detail or "").split(), "", "", ""][:3]
    who, what = entry.actor, entry.target
    zh = f"{who} 申请对 {what} 执行{KINDS_ZH.get(kind, kind)}（{number}），等待第二人审批"
    en = f"{who} asks to {KINDS_EN.get(kind, kind.replace('_', ' '))} {what} ({number}): a second person must approve"
    return Raised("approval_waiting", wave or None, what, zh, en, entry.at)


def _night(entry: ChainEntry) -> Raised | None:
    """The night's runbook: a manual task waited for, a preflight not ready, drift found while warm."""
    detail, at = (entry.detail or "").strip()[:300], entry.at
    if entry.action == "task.waiting":
        w, system = _wave_and_system(entry.target)
        zh, en = (
            f"批次 {w}：{system} 等待人工任务 {detail}",
            f"wave {w}: {system} waits for the manual task {detail}",
        )
        return Raised("task_waiting", w, system, zh, en, at)
    if entry.action == "wave.preflight" and entry.result == "not_ready":
        w = entry.target
        zh, en = f"批次 {w} 预检未通过：{detail}", f"wave {w} failed its preflight: {detail}"
        return Raised("preflight_failed", w, None, zh, en, at)
    if entry.action == "wave.verify" and entry.result == "drift":
        w, system = _wave_and_system(entry.target)
        zh, en = (
            f"批次 {w}：{system} 源与目标数据不一致：{detail}",
            f"wave {w}: {system}'s source and target differ: {detail}",
        )
        return Raised("verification_drift", w, system, zh, en, at)
    return None


READERS = (
    ("wave.preflight", _night),
    ("wave.verify", _night),
    ("task.", _night),
    ("wave.", _wave),
    ("step.", _step),
    ("approval.ask", _approval),
)
"""Which reader an action goes to: the first whose prefix it starts with."""


def raised(entry: ChainEntry) -> Raised | None:
    """The event an audit entry raises, or None."""
    reader = next((read for prefix, read in READERS if entry.action.startswith(prefix)), None)
    return reader(entry) if reader else None
