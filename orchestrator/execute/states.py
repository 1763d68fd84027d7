"""The per-system state machine: each step moves a system one state on; any failure leads to a rollback.

pending → prechecked → backed_up → presynced → deployed → verified → cut_over → done;
any step → failed → rolled_back. The state is the one after the last *finished* step, so a step found started but
not finished after a crash is simply the next step again (steps are idempotent), and a finished one never reruns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    name: str
    after: str  # the state a success leads to
    tags: tuple[str, ...]  # the playbook phases it runs


STEPS: tuple[Step, ...] = (
    Step("precheck", "prechecked", ("precheck",)),
    Step("backup", "backed_up", ("backup",)),
    Step("presync", "presynced", ("presync",)),
    Step("deploy", "deployed", ("deploy",)),
    Step("verify", "verified", ("final_sync", "verify")),
    Step("cutover", "cut_over", ("cutover",)),
    Step("decommission", "done", ("decommission",)),
)
ROLLBACK = Step("rollback", "rolled_back", ("rollback",))
FINAL = frozenset({"done", "rolled_back"})
RUN_STATE_ZH = {
    "pending": "待迁移",
    "prechecked": "已预检",
    "backed_up": "已备份",
    "presynced": "已预同步",
    "deployed": "已部署",
    "verified": "已验证",
    "cut_over": "已切换",
    "done": "完成",
    "failed": "失败",
    "rolled_back": "已回退",
}
"""A system's state in a wave run, in Chinese (the English is the state's own name)."""
BEFORE = {"pending": STEPS[0], **{STEPS[i].after: STEPS[i + 1] for i in range(len(STEPS) - 1)}}


def next_step(state: str) -> Step | None:
    """The step to run from `state`: None when the system is finished, ROLLBACK when it failed."""
    if state in FINAL:
        return None
    if state == "failed":
        return ROLLBACK
    return BEFORE[state]
