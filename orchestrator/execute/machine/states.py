"""The per-system state machine: each step moves a system one state on; any failure leads to a rollback.

pending → prechecked → backed_up → presynced → deployed → synced → verified → done (cut over: the wave's work
ends there; decommissioning the source is a later, separate step: done → decommissioned);
any step → failed → rolled_back. The state is the one after the last *finished* step, so a step found started but
not finished after a crash is simply the next step again (steps are idempotent), and a finished one never reruns.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...contracts import run
from ...contracts import steps as names

PENDING, FAILED, DONE, ROLLED_BACK = (
    run.SystemState.pending,
    run.SystemState.failed,
    run.SystemState.done,
    run.SystemState.rolled_back,
)
"""The states the executor's own decisions turn on (the others are each step's `after`)."""


@dataclass(frozen=True)
class Step:
    name: str
    after: str  # the state a success leads to
    tags: tuple[str, ...]  # the playbook phases it runs


def _step(name: str, after: str) -> Step:
    """A step whose playbook phase is tagged with its own name (contracts/steps.py: render writes the same)."""
    return Step(name, after, (name,))


STEPS: tuple[Step, ...] = tuple(
    _step(name, after)
    for name, after in zip(
        names.WAVE_STEPS,
        (
            run.SystemState.prechecked,
            run.SystemState.backed_up,
            run.SystemState.presynced,
            run.SystemState.deployed,
            run.SystemState.synced,
            run.SystemState.verified,
            DONE,
        ),
        strict=True,
    )
)
ROLLBACK = _step(names.ROLLBACK, ROLLED_BACK)
DECOMMISSION = _step(names.DECOMMISSION, run.SystemState.decommissioned)
RETIRE = _step(names.RETIRE, run.SystemState.retired)
"""A zombie's retirement (playbooks/retire.yml): archived, stopped, off its front end; in the `retire` record."""
FINAL = frozenset({DONE, ROLLED_BACK, DECOMMISSION.after, RETIRE.after})
RUN_STATE_ZH: dict[str, str] = {
    run.SystemState.pending: "待迁移",
    run.SystemState.prechecked: "已预检",
    run.SystemState.backed_up: "已备份",
    run.SystemState.presynced: "已预同步",
    run.SystemState.deployed: "已部署",
    run.SystemState.synced: "已终同步",
    run.SystemState.verified: "已验证",
    run.SystemState.done: "已切换",
    run.SystemState.decommissioned: "已下线",
    run.SystemState.retired: "已清理",
    run.SystemState.failed: "失败",
    run.SystemState.rolled_back: "已回退",
}
"""A system's state in a wave run, in Chinese (the English is the state's own name)."""
BEFORE = {PENDING: STEPS[0], **{STEPS[i].after: STEPS[i + 1] for i in range(len(STEPS) - 1)}}


def next_step(state: str) -> Step | None:
    """The step to run from `state`: None when the system is finished, ROLLBACK when it failed."""
    if state in FINAL:
        return None
    if state == FAILED:
        return ROLLBACK
    return BEFORE[state]
