"""The facts one system is judged on: its plan, its own fields, what was measured, and the assessment date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..plan import Measurement, MigrationPlan, System
from .decision import Reason
from .rules import BY_ID
from .settings import PolicySettings


@dataclass(frozen=True)
class Subject:
    plan: MigrationPlan
    system: System
    settings: PolicySettings
    as_of: date
    measured: Measurement | None = None

    @property
    def key(self) -> str:
        return self.plan.key(self.system)

    @property
    def department(self) -> str:
        return self.plan.department.code

    @property
    def classified(self) -> bool:
        return self.system.security.is_classified


def reason(rule: str, zh: str, en: str) -> Reason:
    """A reason under `rule`: the rule's own statement, then the facts that triggered it."""
    assert rule in BY_ID, rule
    return Reason(rule=rule, zh=zh, en=en)
