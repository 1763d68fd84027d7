"""A cloud system's steps on the cluster, beside its playbook: what each step applies, and the cutover's changes.

Deploy applies the system's objects and those of pre-sync (the warm copies start: the CloudNativePG replica,
the Forklift plan, the first file sync) and waits for each; after the final sync's playbook has stopped the
source's writes, the window's objects (`govmig.gov.cn/apply-at: final_sync`: a MySQL clone, a MariaDB backup, the
last file sync) are applied and awaited; at cutover, before the front end switches, the replicas are promoted,
the warm migrations cut over, and the way to the source closed. Without a cluster the whole set goes to GitOps
at deploy, the annotations telling its agent the same order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from ...contracts import IndexedSystem
from ...contracts import tree as layout
from ...store import RunLog
from ..ports.applier import ApplyResult, ManifestApplier
from .manifests import AT, EVERY, cutover_objects, held_back, objects, system_files, to_gitops


def note(kind: str, message: str) -> dict[str, Any]:
    return {"event": kind, "event_data": {"task": message}}


class ClusterSteps:
    STEPS: ClassVar[tuple[str, ...]] = tuple(AT)
    """The steps after whose playbook the cluster's objects of that step are applied."""

    def __init__(self, store: RunLog, applier: ManifestApplier | None, tree: Path, actor: str) -> None:
        self.store, self.applier, self.tree, self.actor = store, applier, tree, actor

    def step(self, record: str, wave: str, key: str, entry: IndexedSystem | None, step: str) -> str | None:
        """Applies the system's objects of this step; an error message or None."""
        files = system_files(self.tree, entry)
        if not files:
            return None
        if self.applier is None:
            if step == "deploy":
                self._gitops(record, wave, key, files)
            return None
        todo = objects(files, AT[step])
        if not todo:
            return None
        lines = [f"held for its step: {h}" for h in held_back(files, AT[step])] if step == "deploy" else []
        return self._said(record, key, step, "k8s.apply", self.applier.apply(todo, log=lines.append), lines)

    def cutover(self, record: str, key: str, entry: IndexedSystem | None) -> str | None:
        """Promotes the replicas and cuts the warm migrations over, then closes the way to the source."""
        files = system_files(self.tree, entry)
        if not files or self.applier is None:
            return None
        promote, close = cutover_objects(objects(files, EVERY), datetime.now(UTC))
        for action, todo, act in (
            ("k8s.cutover", promote, self.applier.apply),
            ("k8s.close", close, self.applier.remove),
        ):
            if todo:
                lines: list[str] = []
                error = self._said(record, key, "cutover", action, act(todo, log=lines.append), lines)
                if error:
                    return error
        return None

    def _said(
        self, record: str, key: str, step: str, action: str, result: ApplyResult, lines: list[str]
    ) -> str | None:
        self.store.add_events(record, key, step, [note("k8s_apply", line) for line in lines])
        self.store.audit(
            self.actor,
            action,
            f"{record}/{key}",
            "applied" if result.ok else "failed",
            result.error or f"{len(result.applied)} objects",
        )
        return None if result.ok else f"kubernetes ({action}): {result.error}"

    def _gitops(self, record: str, wave: str, key: str, files: list[Path]) -> None:
        written = to_gitops(self.tree, wave, key, files)
        message = f"no cluster configured: {len(written)} manifests written to {layout.gitops(wave, key)}"
        self.store.add_events(record, key, "deploy", [note("gitops", message)])
        self.store.audit(self.actor, "k8s.gitops", f"{record}/{key}", "written", f"{len(written)} files")
