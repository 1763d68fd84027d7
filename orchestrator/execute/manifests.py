"""A system's rendered Kubernetes objects, read from the tree: its base, its namespace's, and its monitoring."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml


def system_files(tree: Path, key: str) -> list[Path]:
    dept, _, system = key.partition("/")
    base = tree / "manifests" / "base" / dept / system
    if not base.is_dir():
        return []  # an off-cloud system: its playbook is the whole migration
    files = sorted(p for p in base.glob("*.yaml") if p.name != "kustomization.yaml")
    namespaces = {doc["metadata"].get("namespace") for p in files for doc in _docs(p)} - {None}
    for folder in sorted((tree / "manifests" / "base" / dept).glob("namespace-*")):
        if any(
            d.get("kind") == "Namespace" and d["metadata"]["name"] in namespaces
            for d in _docs(folder / "namespace.yaml")
        ):
            files.insert(0, folder / "namespace.yaml")
    files += sorted(p for p in (tree / "monitoring").glob(f"*/{dept}/{system}/*.yaml"))
    return files


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def objects(files: list[Path]) -> list[dict[str, Any]]:
    return [doc for path in files for doc in _docs(path)]


def to_gitops(tree: Path, wave: str, key: str, files: list[Path]) -> list[Path]:
    """Copies the system's manifests into tree/gitops/WAVE/DEPT/SYSTEM for a GitOps agent to apply."""
    target = tree / "gitops" / wave / key
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for path in files:
        dest = target / path.relative_to(tree).as_posix().replace("/", "__")
        shutil.copyfile(path, dest)
        out.append(dest)
    return out
