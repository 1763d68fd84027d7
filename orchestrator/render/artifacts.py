"""Rendering a whole portfolio: every system's objects, the namespaces, overlays, monitoring and playbooks, and
the index over them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from jinja2 import BaseLoader

from ..contracts import Runbook, documents_of_kind
from ..contracts import tree as layout
from ..plan import MigrationPlan
from ..policy import Decision
from ..waves import Roadmap
from .ansible import ansible_files
from .cloud import disks_gb
from .dr import dr_overlays
from .index import build_index
from .kubernetes import namespace_files, overlay_files, system_files
from .monitoring import monitoring_files
from .platform import platform_files
from .quota import COUNTED, DEFAULTS, Need, forklift_vm, launcher_mib, needs
from .resize import ApprovedSize
from .retire import retire_files
from .settings import DEFAULT_RENDER, RenderSettings
from .targets import DEFAULT_TARGET, Target
from .templates import environment
from .views import Files, SystemView, build_views, namespaces


def render_artifacts(
    plans: Sequence[MigrationPlan],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    settings: RenderSettings = DEFAULT_RENDER,
    loader: BaseLoader | None = None,
    progress: Callable[[int, int], None] | None = None,
    target: Target = DEFAULT_TARGET,
    runbook: Runbook | None = None,
    sizes: Mapping[str, ApprovedSize] | None = None,
) -> Files:
    """Every file of the output tree, by path relative to it; `progress(done, total)` after each system; the
    objects packaged for `target` (Kustomize unless another is given: render/targets.py); the site's manual tasks
    (`runbook`) per wave and system beside each playbook; `sizes`: what a supervisor approved a system to hold
    ("DEPT/id" to its ApprovedSize), its requests and limits (and a VM's size) scaled to it."""
    env = environment(loader)
    views = build_views(plans, decisions, roadmap, settings, sizes)
    spaces = namespaces(views)
    files: Files = {}
    for n, view in enumerate(views, start=1):
        if view.on_kubernetes:
            files.update(system_files(env, view, settings, target))
        if progress:
            progress(n, len(views))
    need = _needs(files, views, settings)
    for ns in spaces:
        files.update(namespace_files(env, ns, need.get(ns.name, Need()), settings, target))
    files.update(platform_files(env, spaces, settings, target))
    files.update(overlay_files(views, spaces, settings, target))
    files.update(dr_overlays(views, settings, target))
    files.update(monitoring_files(env, views, settings, target))
    files.update(ansible_files(env, roadmap, views, settings, runbook))
    files.update(retire_files(env, plans, decisions, settings))
    files[layout.INDEX] = build_index(files, views, decisions, roadmap, plans).to_json()
    return dict(sorted(files.items()))


def _needs(files: Files, views: Sequence[SystemView], settings: RenderSettings) -> dict[str, Need]:
    """Each namespace's needs, from the rendered objects and the VMs Forklift will create there."""
    movers = [v for v in views if v.forklift]
    limits: dict[str, tuple[int, int]] = {}
    for v in movers:
        default = limits.get(v.namespace, DEFAULTS["limit"])
        limits[v.namespace] = (
            max(default[0], 1000 * v.vm_cores),
            max(default[1], launcher_mib(v.vm_memory, v.vm_cores)),
        )
    docs = [
        doc
        for path, text in files.items()
        if path.startswith(f"{layout.MANIFESTS}/") and not path.endswith(layout.KUSTOMIZATION)
        for doc in documents_of_kind(text, COUNTED)
        if doc
    ]
    out = needs(docs, settings.storage_rwx, limits)
    for v in movers:
        need = out.setdefault(v.namespace, Need(default_limit=limits[v.namespace]))
        forklift_vm(need, v.vm_memory, v.vm_cores, disks_gb(v, settings))
    return out
