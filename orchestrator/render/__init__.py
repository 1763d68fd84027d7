"""Render: the Kubernetes manifests, monitoring objects, Ansible playbooks and inventories that move each system.

Pure: plans, decisions and the roadmap in; a mapping of relative paths to file contents out, byte-identical for
identical input. The CLI writes them.
"""

from ..contracts import dump_inventory, load_inventory
from .artifacts import render_artifacts
from .resize import ApprovedSize, declared_size
from .settings import DEFAULT_RENDER, RenderSettings
from .targets import KUSTOMIZE, Kustomize, Target
from .views import Files, SystemView

__all__ = [
    "DEFAULT_RENDER",
    "KUSTOMIZE",
    "ApprovedSize",
    "Files",
    "Kustomize",
    "RenderSettings",
    "SystemView",
    "Target",
    "declared_size",
    "dump_inventory",
    "load_inventory",
    "render_artifacts",
]
