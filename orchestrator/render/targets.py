"""How the rendered Kubernetes objects are packaged for the site's tooling: the render `Target` seam.

The objects themselves (render/cloud.py, kubernetes.py, platform.py, monitoring.py) are the same whatever the
packaging; a target adds the files that tie them together: a *base* per folder of objects (a system, a
department's namespace in a zone, a network's platform, a zone's monitoring) and an *overlay* per zone and per DR
site that gathers bases, labels them and patches them.

`Kustomize` is the one built in. A second packaging (Helm: a chart per base, an umbrella chart per overlay) is one
class with these three methods, passed to `render_artifacts(target=…)`, plus its `ManifestApplier` on the
executor's side (orchestrator/execute/applier.py), which applies the same objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..contracts import to_yaml
from ..contracts import tree as layout

Files = dict[str, str]


class Target(Protocol):
    name: str

    def base(self, folder: str, resources: Sequence[str]) -> Files:
        """The file(s) that make `folder` (objects in `resources`, relative to it) one deployable unit."""
        ...

    def overlay(
        self,
        name: str,
        bases: Sequence[str],
        labels: Mapping[str, str],
        patches: Sequence[Mapping[str, Any]] | None = None,
    ) -> Files:
        """The file(s) that deploy the `bases` (folders of the tree) together as `name` (a zone, a DR site), with
        `labels` on every object and the DR site's `patches`."""
        ...

    def is_packaging(self, path: str) -> bool:
        """Whether a rendered file is the target's own (no object to apply)."""
        ...


class Kustomize:
    """A `kustomization.yaml` per base; the overlays under manifests/overlays/NAME/ (`kubectl apply -k`)."""

    name = "kustomize"

    def base(self, folder: str, resources: Sequence[str]) -> Files:
        return {f"{folder}/{layout.KUSTOMIZATION}": _kustomization(resources)}

    def overlay(
        self,
        name: str,
        bases: Sequence[str],
        labels: Mapping[str, str],
        patches: Sequence[Mapping[str, Any]] | None = None,
    ) -> Files:
        extra: dict[str, object] = {"labels": [{"pairs": dict(labels), "includeSelectors": False}]}
        if patches is not None:
            extra["patches"] = list(patches)
        return {layout.overlay(name): _kustomization([layout.from_overlay(b) for b in bases], extra)}

    def is_packaging(self, path: str) -> bool:
        return path.endswith(layout.KUSTOMIZATION)


def _kustomization(resources: Sequence[str], extra: dict[str, object] | None = None) -> str:
    doc: dict[str, object] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": list(resources),
    }
    doc.update(extra or {})
    return to_yaml(doc)


KUSTOMIZE = Kustomize()
DEFAULT_TARGET: Target = KUSTOMIZE
