"""The render index: for every system, what was rendered and each file's content hash (for review and drift)."""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Mapping, Sequence

from ..contracts import IndexedSystem, RenderIndex
from ..contracts import tree as layout
from ..plan import MigrationPlan, engine_profile
from ..policy import Action, Decision
from ..waves import Roadmap
from .views import SystemView


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def data_in(v: SystemView) -> dict[str, str]:
    """How the system's data gets into the cloud (render/cloud.py), for the ledger and the reviewer."""
    out: dict[str, str] = {}
    if v.kind == "vm":
        out["vm"] = "forklift" if v.forklift else "image"
    else:
        for db in v.databases:
            driven = db.how in ("logical", "binlog")
            operator = engine_profile(db.engine).operator
            out[db.dbname] = (operator.path if operator else "checkpoint") if driven else db.how
        if v.claims_data:
            out["files"] = "rsync-jobs"
    return out


def images(v: SystemView) -> list[str]:
    return [c.image for c in v.components] + ([d.image for d in v.databases] if v.kind == "container" else [])


def build_index(
    files: Mapping[str, str],
    views: Sequence[SystemView],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    plans: Sequence[MigrationPlan],
) -> RenderIndex:
    rendered = {v.key: v for v in views}
    unscheduled = {u.system: u for u in roadmap.unscheduled}
    digests = {p: sha256(t) for p, t in sorted(files.items())}  # each file hashed once
    paths = list(digests)
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
                data_in=data_in(v) if v.on_kubernetes else {},
                unpinned_images=sorted({i for i in images(v) if "@sha256:" not in i})
                if v.on_kubernetes
                else [],
                files=_under(paths, digests, prefixes),
            )
        )
    return RenderIndex(
        departments=sorted(p.department.code for p in plans),
        waves=[w.id for w in roadmap.waves],
        systems=systems,
        files=digests,
    )


def _under(paths: list[str], digests: Mapping[str, str], prefixes: tuple[str, ...]) -> dict[str, str]:
    """The digests of the files under any of `prefixes`, in path order: found by bisection in the sorted paths,
    so the index costs the files once, not once per system."""
    found: list[str] = []
    for prefix in prefixes:
        at = bisect.bisect_left(paths, prefix)
        while at < len(paths) and paths[at].startswith(prefix):
            found.append(paths[at])
            at += 1
    return {p: digests[p] for p in sorted(set(found))}
