"""The night's manual tasks (shared/DOMAIN.md v1.2, "the night's runbook"): what a site adds by hand to the
automated steps, read from `runbook.yaml` by render, carried in the tree per wave and system, waited on by the
executor, closed by `govmig task done` or the wave's page.

```yaml
tasks:
  - {id: notify-users, zh: 通知业务用户停机, en: Tell the users the service stops, before: final_sync, role: department,
     applies_to: all}
  - {id: dns-ttl, zh: 调低域名 TTL, en: Lower the DNS TTL, before: presync, role: ops, applies_to: vm}
```
`before` or `after` one of the steps a system goes through; `applies_to`: all, a deployment kind (vm, container,
physical) or a department's code. Render writes `playbooks/WAVE.tasks.json`: each system's tasks, in step order."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import steps

Step = Literal["precheck", "backup", "presync", "deploy", "final_sync", "verify", "cutover"]
Role = Literal["department", "ops", "supervisor"]
KINDS = ("vm", "container", "physical")


class ManualTask(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
    zh: Annotated[str, Field(min_length=1, max_length=200)]
    en: Annotated[str, Field(min_length=1, max_length=200)]
    before: Step | None = None
    after: Step | None = None
    role: Role = "ops"
    applies_to: Annotated[str, Field(min_length=1, max_length=64)] = "all"

    @model_validator(mode="after")
    def _one_place(self) -> ManualTask:
        if (self.before is None) == (self.after is None):
            raise ValueError("exactly one of before / after 须且只须给出 before 或 after 之一")
        return self

    @property
    def step(self) -> str:
        """The step the task holds: `before: X` holds X; `after: X` holds the step after X (after cutover: the
        system is cut over, and its wave's end waits for the task)."""
        if self.before is not None:
            return self.before
        assert self.after is not None
        following = steps.WAVE_STEPS.index(self.after) + 1
        return steps.WAVE_STEPS[following] if following < len(steps.WAVE_STEPS) else DONE

    def applies(self, department: str, kind: str) -> bool:
        """Whether the task is a system's: all, its deployment kind (vm | container | physical), its department."""
        return self.applies_to in ("all", kind, department)


DONE = "done"
"""What `after: cutover` holds: the system's end in the wave."""


class Runbook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tasks: list[ManualTask] = []

    @model_validator(mode="after")
    def _unique(self) -> Runbook:
        seen: set[str] = set()
        for task in self.tasks:
            if task.id in seen:
                raise ValueError(f"task id {task.id} twice 任务编号 {task.id} 重复")
            seen.add(task.id)
        return self


class WaveTasks(BaseModel):
    """`playbooks/WAVE.tasks.json`: each system's manual tasks, in the order of the steps they hold."""

    model_config = ConfigDict(extra="forbid")
    wave: str
    systems: dict[str, list[ManualTask]] = {}

    def holding(self, system: str, step: str) -> list[ManualTask]:
        """The system's tasks that hold `step` (DONE for those after the cutover)."""
        return [t for t in self.systems.get(system, []) if t.step == step]


ORDER = {name: n for n, name in enumerate([*steps.WAVE_STEPS, DONE])}


def wave_tasks(wave: str, runbook: Runbook, systems: list[tuple[str, str]]) -> WaveTasks:
    """The tasks of each (system key, deployment kind) of `wave`, by the step they hold."""
    out: dict[str, list[ManualTask]] = {}
    for key, kind in systems:
        department = key.partition("/")[0]
        mine = [t for t in runbook.tasks if t.applies(department, kind)]
        if mine:
            out[key] = sorted(mine, key=lambda t: (ORDER[t.step], t.after is None))
    return WaveTasks(wave=wave, systems=out)
