"""A system's rendered Kubernetes objects, read from the tree: its namespace's, its own and its monitoring's.

Which files are the system's comes from the render index, not from globbing folders, so the executor applies
exactly what render wrote and reviewed (the hashes in index.json) and nothing a stray file added.
"""

from __future__ import annotations

import copy
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ...contracts import IndexedSystem, Tree
from ...contracts import tree as layout


def system_files(tree: Path, entry: IndexedSystem | None) -> list[Path]:
    """The files to apply for a system's index entry, the namespace first; none for an off-cloud system (the
    playbook moves it) or one the index does not list."""
    where = Tree(tree)
    if entry is None or not entry.rendered or entry.zone is None:
        return []
    base = layout.system_base(entry.department, entry.name) + "/"
    objects_ = [
        p for p in sorted(entry.files) if p.endswith(".yaml") and not p.endswith(layout.KUSTOMIZATION)
    ]
    own = [where / p for p in objects_ if p.startswith(base)]
    if not own:
        return []
    namespace = where / f"{layout.namespace_base(entry.department, entry.zone)}/namespace.yaml"
    watch = layout.monitoring_base(entry.zone, entry.department, entry.name) + "/"
    first = [namespace] if namespace.is_file() else []
    return [*first, *own, *(where / p for p in objects_ if p.startswith(watch))]


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


REMOVE = "govmig.gov.cn/remove-at"
PHASE = "govmig.gov.cn/apply-at"
"""Render's mark on an object that may only be applied at a given step: a clone or a backup of the source taken
in the window (`final_sync`), while its writes are stopped; without the mark, at deploy."""


def phase(obj: dict[str, Any]) -> str:
    return str(((obj.get("metadata") or {}).get("annotations") or {}).get(PHASE, "deploy"))


def objects(files: list[Path], at: tuple[str, ...] = ("deploy", "presync")) -> list[dict[str, Any]]:
    """The objects of the files to apply at the given steps (the deploy step applies those of pre-sync too)."""
    return [doc for path in files for doc in _docs(path) if phase(doc) in at]


EVERY = ("deploy", "presync", "final_sync", "cutover")
AT = {"deploy": ("deploy", "presync"), "final_sync": ("final_sync",)}
"""Which objects each step applies (the deploy step applies those of pre-sync too)."""


def cutover_objects(
    docs: list[dict[str, Any]], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the cutover changes on the cluster, in the window, after the source's writes stopped and its final
    sync is in: (objects to apply, objects to remove). A CloudNativePG replica cluster is promoted
    (`replica.enabled: false`), a warm Forklift migration is told to cut over now, and the way to the source
    (`govmig.gov.cn/remove-at: cutover`) is closed."""
    apply, remove = [], []
    for doc in docs:
        spec = doc.get("spec") or {}
        if doc.get("kind") == "Cluster" and (spec.get("replica") or {}).get("enabled"):
            promoted = copy.deepcopy(doc)
            promoted["spec"]["replica"]["enabled"] = False
            apply.append(promoted)
        elif doc.get("kind") == "Migration" and doc.get("apiVersion", "").startswith("forklift.konveyor.io/"):
            now_ = copy.deepcopy(doc)
            now_["spec"]["cutover"] = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            apply.append(now_)
        if ((doc.get("metadata") or {}).get("annotations") or {}).get(REMOVE) == "cutover":
            remove.append(doc)
    return apply, remove


def held_back(files: list[Path], at: tuple[str, ...] = ("deploy", "presync")) -> list[str]:
    """KIND/NAME (step) of each object the step does not apply."""
    return [
        f"{doc['kind']}/{doc['metadata']['name']} ({phase(doc)})"
        for path in files
        for doc in _docs(path)
        if phase(doc) not in at
    ]


def to_gitops(tree: Path, wave: str, key: str, files: list[Path]) -> list[Path]:
    """Copies the system's manifests into tree/gitops/WAVE/DEPT/SYSTEM for a GitOps agent to apply."""
    target = Tree(tree).gitops(wave, key)
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for path in files:
        dest = target / path.relative_to(tree).as_posix().replace("/", "__")
        shutil.copyfile(path, dest)
        out.append(dest)
    return out
