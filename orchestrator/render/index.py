"""The render index: for every system, what was rendered and each file's content hash (for review and drift)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from ..contracts import IndexedSystem, RenderIndex
from ..contracts import tree as layout
from ..plan import MigrationPlan
from ..policy import Action, Decision
from ..waves import Roadmap
from .views import SystemView


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build_index(
    files: Mapping[str, str],
    views: Sequence[SystemView],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    plans: Sequence[MigrationPlan],
) -> RenderIndex:
    rendered = {v.key: v for v in views}
    unscheduled = {u.system: u for u in roadmap.unscheduled}
    systems = []
    for d in decisions:
        if d.action is not Action.migrate:
            continue
        v = rendered.get(d.key)
        if v is None:
            u = unscheduled.get(d.key)
            systems.append(
                IndexedSystem(system=d.key, rendered=False, reason=u.reason if u else "not scheduled")
            )
            continue
        prefixes = layout.system_prefixes(v.department, v.system, v.zone.value)
        systems.append(
            IndexedSystem(
                system=d.key,
                rendered=True,
                wave=v.wave,
                kind=v.kind,
                namespace=v.namespace,
                zone=v.zone.value,
                objective=v.objective,
                dr=v.dr,
                dropped_dependencies=v.dropped,
                files={p: sha256(files[p]) for p in sorted(files) if p.startswith(prefixes)},
            )
        )
    return RenderIndex(
        departments=sorted(p.department.code for p in plans),
        waves=[w.id for w in roadmap.waves],
        systems=systems,
        files={p: sha256(t) for p, t in sorted(files.items())},
    )
