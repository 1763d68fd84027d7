"""Where a system's Kubernetes objects go: the seam the executor's deploy step calls.

`KubeApplier` (server-side apply, then wait for each rollout, restoring what it changed on failure) is the one
built in; without a configured cluster the executor hands the objects to GitOps instead. A later target (a
cluster API, another GitOps agent) is one class with this method plus its registration in the application layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

Obj = dict[str, Any]


@dataclass
class ApplyResult:
    ok: bool
    applied: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    error: str | None = None


class ManifestApplier(Protocol):
    def apply(self, objects: Sequence[Obj], log: Callable[[str], None] = ...) -> ApplyResult:
        """Applies the objects in order and waits until each is ready; on failure puts back what it changed."""
        ...

    def remove(self, objects: Sequence[Obj], log: Callable[[str], None] = ...) -> ApplyResult:
        """Deletes the objects; one that is already gone counts as removed."""
        ...
