"""The evaluation index (001 一(二)5, 三(三)): a score per department from weighted indicators, its breakdown, the
ranking, and the funding consequence — the systems whose O&M funds are withheld (`no_om_funds`).

Each indicator is a share in [0, 1]; one with nothing to measure (no monitored system, no zombie) is left out and
the others' weights count in its place, so a department is never scored on what does not apply to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..contracts import Objectives, availability_objective
from ..plan import MigrationPlan
from .annual import PROVINCE, Figures

INDICATORS = {
    "on_time": ("按期迁移", "systems migrated on time"),
    "catalog": ("目录完整", "catalog completeness"),
    "shared": ("数据共享", "share of data shared"),
    "zombies": ("僵尸清理", "zombies cleared"),
    "filing": ("备案完整", "filing completeness"),
    "availability": ("可用性达标", "availability against objective"),
    "no_duplicates": ("无重复采集", "no duplicate collection"),
}


class EvaluationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: {
            "on_time": 25,
            "catalog": 15,
            "shared": 15,
            "zombies": 10,
            "filing": 15,
            "availability": 15,
            "no_duplicates": 5.0,
        }
    )
    """Indicator → weight; any indicator left out weighs nothing."""


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def indicators(f: Figures) -> dict[str, float | None]:
    classified = sum(v for k, v in f.resources.items() if k != "unclassified")
    return {
        "on_time": _share(f.to_migrate - f.late, f.to_migrate),
        "catalog": _share(classified, sum(f.resources.values())),
        "shared": _share(f.resources["unconditional"] + f.resources["conditional"], classified),
        "zombies": _share(f.zombies_cleared, f.zombies),
        "filing": _share(f.filings_complete, f.filings_due),
        "availability": _share(f.meeting_objective, len(f.availability)),
        "no_duplicates": _share(f.systems - f.duplicate, f.systems),
    }


@dataclass(frozen=True)
class Score:
    department: str
    name: str
    score: float
    rank: int
    breakdown: dict[str, float | None]
    withheld: list[str]


def evaluate(figures: Sequence[Figures], settings: EvaluationSettings | None = None) -> list[Score]:
    """Departments ranked by score (ties share a rank); the province's own row is left out of the ranking."""
    weights = (settings or EvaluationSettings()).weights
    scored = []
    for f in figures:
        if f.scope == PROVINCE:
            continue
        shares = indicators(f)
        counted = {k: v for k, v in shares.items() if v is not None and weights.get(k, 0) > 0}
        total = sum(weights[k] for k in counted)
        score = round(100 * sum(weights[k] * v for k, v in counted.items()) / total, 1) if total else 0.0
        scored.append((f, score, shares))
    scored.sort(key=lambda x: (-x[1], x[0].scope))
    out: list[Score] = []
    for n, (f, score, shares) in enumerate(scored):
        rank = out[-1].rank if out and out[-1].score == score else n + 1
        out.append(Score(f.scope, f.name, score, rank, shares, sorted(f.no_om_funds)))
    return out


def objectives(plans: Sequence[MigrationPlan], settings: Objectives | None = None) -> Mapping[str, float]:
    """Each system's availability objective, as render gives it to its alert rules (contracts/objectives.py)."""
    return {
        f"{p.department.code}/{x.id}": availability_objective(x.security.mlps_level, settings)
        for p in plans
        for x in p.systems
    }
