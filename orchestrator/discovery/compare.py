"""What the plans do not say: observed dependencies between systems that no `depends_on` declares, and the plans
as if they did, for the planner (W2: a system moves with or after what it depends on; a cycle moves together)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..plan import MigrationPlan, qualify
from .model import Observation


@dataclass(frozen=True, order=True)
class Undeclared:
    from_: str
    to: str
    port: int

    def contract(self) -> dict[str, object]:
        return {"from": self.from_, "to": self.to, "port": self.port}


def declared(plans: Sequence[MigrationPlan]) -> dict[str, set[str]]:
    """Each system's declared dependencies, as portfolio-wide keys."""
    return {
        p.key(s): {qualify(ref, p.department.code) for ref in s.depends_on} for p in plans for s in p.systems
    }


def undeclared(plans: Sequence[MigrationPlan], observation: Observation) -> list[Undeclared]:
    """Every observed dependency from a planned system to another planned system that its plan does not declare."""
    known = declared(plans)
    found = {
        Undeclared(c.from_, c.to, c.port)
        for c in observation.connections
        if not c.outside
        and c.from_ in known
        and c.to in known
        and c.to != c.from_
        and c.to not in known[c.from_]
    }
    return sorted(found)


def as_declared(plans: Sequence[MigrationPlan], found: Sequence[Undeclared]) -> list[MigrationPlan]:
    """The plans with every undeclared dependency added to `depends_on` (a local id within the department)."""
    extra: dict[str, list[str]] = {}
    for u in found:
        if u.to not in extra.setdefault(u.from_, []):
            extra[u.from_].append(u.to)
    out = []
    for p in plans:
        code = p.department.code
        systems = [
            s.model_copy(
                update={
                    "depends_on": [
                        *s.depends_on,
                        *(t.split("/", 1)[1] if t.startswith(code + "/") else t for t in extra[p.key(s)]),
                    ]
                }
            )
            if p.key(s) in extra
            else s
            for s in p.systems
        ]
        out.append(p.model_copy(update={"systems": systems}) if systems != list(p.systems) else p)
    return out
