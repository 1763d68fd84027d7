"""The render index: for every system, what was rendered and each file's content hash (for review and drift)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from ..plan.models import MigrationPlan
from ..policy.decision import Action, Decision
from ..waves.model import Roadmap
from .views import SystemView


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build_index(
    files: Mapping[str, str],
    views: Sequence[SystemView],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    plans: Sequence[MigrationPlan],
) -> str:
    rendered = {v.key: v for v in views}
    unscheduled = {u.system: u for u in roadmap.unscheduled}
    systems = []
    for d in decisions:
        if d.action is not Action.migrate:
            continue
        v = rendered.get(d.key)
        entry: dict[str, object] = {"system": d.key}
        if v is None:
            u = unscheduled.get(d.key)
            entry.update(rendered=False, reason=u.reason if u else "not scheduled")
        else:
            prefixes = (
                f"manifests/base/{v.department}/{v.system}/",
                f"monitoring/{v.zone.value}/{v.department}/{v.system}/",
                f"monitoring/rules/{v.department}/{v.system}.",
            )
            mine = sorted(p for p in files if p.startswith(prefixes))
            entry.update(
                rendered=True,
                wave=v.wave,
                kind=v.kind,
                namespace=v.namespace,
                zone=v.zone.value,
                objective=v.objective,
                dr=v.dr,
                dropped_dependencies=v.dropped,
                files={p: sha256(files[p]) for p in mine},
            )
        systems.append(entry)
    doc = {
        "apiVersion": "govmig/v1",
        "kind": "RenderIndex",
        "departments": sorted(p.department.code for p in plans),
        "waves": [w.id for w in roadmap.waves],
        "systems": systems,
        "files": {p: sha256(t) for p, t in sorted(files.items())},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
