"""A decision is data: the output contract of DOMAIN.md ("decisions (v1)"), presented by the CLI, web and reports."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from ..plan import Network, Zone
from .flags import Flag


class Action(StrEnum):
    migrate = "migrate"
    retire = "retire"
    stay = "stay"
    blocked = "blocked"

    @property
    def zh(self) -> str:
        return ACTION_ZH[self]

    @property
    def label(self) -> str:
        """Chinese first, English beside it, as every report and table shows an action."""
        return f"{self.zh} {self.value}"


ACTION_ZH = {
    Action.migrate: "迁移",
    Action.retire: "清理",
    Action.stay: "保留",
    Action.blocked: "暂缓（未获批）",
}


class Said(BaseModel):
    """One statement in both languages; `rule` names the rule it follows from, `code` a note's kind."""

    zh: str
    en: str


class Reason(Said):
    rule: str


class Note(Said):
    code: str


class Decision(BaseModel):
    department: str
    system: str
    name: str
    action: Action
    target_network: Network | None
    cloud: bool
    zone: Zone | None
    rules: list[str]
    reasons: list[Reason]
    consolidate_into: str | None = None
    flags: list[Flag] = Field(default_factory=list)
    fixes: list[Reason] = Field(default_factory=list)
    """What the department must do before a blocked system can be scheduled, rule by rule."""
    notes: list[Note] = Field(default_factory=list)
    """Explanations that follow from no single rule: merge proposals, dependencies on retired systems, DR."""
    merge_with: list[str] = Field(default_factory=list)
    owner_unit: str | None = None
    classified: bool = False
    mlps_level: int = 1

    @property
    def key(self) -> str:
        return f"{self.department}/{self.system}"

    def contract(self) -> dict[str, object]:
        """The JSON object the output contract promises (its keys, and the extras that more may be)."""
        return self.model_dump(mode="json")
