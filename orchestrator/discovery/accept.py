"""A department's plan with the findings accepted: the undeclared dependencies declared, and each contradicted size
or engine set to what was measured (a size rounded up to the MB), for the department to submit as a new version."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..plan import DatabaseEngine, MigrationPlan
from .compare import Undeclared, as_declared
from .corrections import Correction


def _up(gb: float) -> float:
    return math.ceil(gb * 1000) / 1000


def accepted(
    plan: MigrationPlan, found: Sequence[Undeclared], corrections: Sequence[Correction]
) -> MigrationPlan:
    [amended] = as_declared([plan], [u for u in found if u.from_.split("/", 1)[0] == plan.department.code])
    systems = []
    for s in amended.systems:
        own = [c for c in corrections if c.system == plan.key(s)]
        d = s.deployment
        dbs = list(d.databases)
        data_gb = d.data_gb
        for c in own:
            if c.kind == "data_larger":
                data_gb = _up(float(c.measured))
            elif c.field.startswith("deployment.databases["):
                n = int(c.field.split("[", 1)[1].split("]", 1)[0])
                if n < len(dbs):
                    change: dict[str, object] = {}
                    if c.kind == "database_larger":
                        change = {"size_gb": _up(float(c.measured))}
                    if c.kind == "engine_differs" and str(c.measured) in set(DatabaseEngine):
                        change = {"engine": DatabaseEngine(str(c.measured))}
                    dbs[n] = dbs[n].model_copy(update=change)
        deployment = d.model_copy(update={"data_gb": data_gb, "databases": dbs})
        systems.append(s.model_copy(update={"deployment": deployment}) if own else s)
    return amended.model_copy(update={"systems": systems})
