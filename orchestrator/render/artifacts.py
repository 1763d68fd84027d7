"""Rendering a whole portfolio: every system's objects, the namespaces, overlays, monitoring and playbooks, and
the index over them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from jinja2 import BaseLoader

from ..contracts import tree as layout
from ..plan import MigrationPlan
from ..policy import Decision
from ..waves import Roadmap
from .ansible import ansible_files
from .index import build_index
from .kubernetes import Files, namespace_files, overlay_files, system_files
from .monitoring import monitoring_files
from .settings import DEFAULT_RENDER, RenderSettings
from .templates import environment
from .views import build_views, namespaces


def render_artifacts(
    plans: Sequence[MigrationPlan],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    settings: RenderSettings = DEFAULT_RENDER,
    loader: BaseLoader | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Files:
    """Every file of the output tree, by path relative to it; `progress(done, total)` after each system."""
    env = environment(loader)
    views = build_views(plans, decisions, roadmap, settings)
    spaces = namespaces(views, settings.quota_headroom, settings.vm_root_disk_gb)
    files: Files = {}
    for ns in spaces:
        files.update(namespace_files(env, ns))
    for n, view in enumerate(views, start=1):
        if view.on_kubernetes:
            files.update(system_files(env, view, settings))
        if progress:
            progress(n, len(views))
    files.update(overlay_files(views, spaces, settings))
    files.update(monitoring_files(env, views, settings))
    files.update(ansible_files(env, roadmap, views, settings))
    files[layout.INDEX] = build_index(files, views, decisions, roadmap, plans).to_json()
    return dict(sorted(files.items()))
