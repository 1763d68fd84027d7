"""Checks that span fields: duplicate ids, local references that lead nowhere, and keys the contract lacks.

They run on the raw document, not only on a valid model, so a file's type errors and its broken references are
reported together in one pass instead of one round trip each.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .errors import Path
from .models import MigrationPlan

Finding = tuple[Path, str, str, str]  # path, code, zh, en


def _systems(data: Any) -> list[tuple[int, dict[str, Any]]]:
    systems = data.get("systems") if isinstance(data, dict) else None
    if not isinstance(systems, list):
        return []
    return [(i, s) for i, s in enumerate(systems) if isinstance(s, dict)]


def structural_findings(data: Any) -> list[Finding]:
    """Duplicate system and component ids, and local `depends_on` / `replaced_by` that name no system."""
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for i, system in _systems(data):
        sid = system.get("id")
        if isinstance(sid, str | int):
            sid = str(sid)
            if sid in seen:
                findings.append(
                    (
                        ("systems", i, "id"),
                        "duplicate_id",
                        f"系统标识「{sid}」重复：已用于第 {seen[sid] + 1} 个系统",
                        f"system id '{sid}' is used twice: it already names system #{seen[sid] + 1}",
                    )
                )
            else:
                seen[sid] = i
        findings.extend(_duplicate_components(i, system))
    for i, system in _systems(data):
        findings.extend(_dangling(i, system, set(seen)))
    return findings


def _duplicate_components(i: int, system: dict[str, Any]) -> Iterator[Finding]:
    deployment = system.get("deployment")
    components = deployment.get("components") if isinstance(deployment, dict) else None
    names: set[str] = set()
    for j, component in enumerate(components if isinstance(components, list) else []):
        name = component.get("name") if isinstance(component, dict) else None
        if isinstance(name, str) and name in names:
            yield (
                ("systems", i, "deployment", "components", j, "name"),
                "duplicate_component",
                f"组件名「{name}」在同一系统中重复",
                f"component name '{name}' is used twice in this system",
            )
        elif isinstance(name, str):
            names.add(name)


def _dangling(i: int, system: dict[str, Any], ids: set[str]) -> Iterator[Finding]:
    refs: list[tuple[Path, Any]] = []
    depends = system.get("depends_on")
    if isinstance(depends, list):
        refs += [(("systems", i, "depends_on", j), ref) for j, ref in enumerate(depends)]
    refs.append((("systems", i, "replaced_by"), system.get("replaced_by")))
    for path, given in refs:
        ref = given.strip() if isinstance(given, str) else given  # blank is absent, as the model reads it
        if isinstance(ref, str) and "/" not in ref and ref and ref not in ids:
            yield (
                path,
                "unknown_reference",
                f"引用的系统「{ref}」不在本计划中（跨部门引用请写“部门编码/系统标识”）",
                f"no system '{ref}' in this plan (write 'DEPT/id' for another department's system)",
            )
        if isinstance(ref, str) and ref == system.get("id"):
            yield (path, "self_reference", "系统不能引用自身", "a system cannot refer to itself")


def unknown_keys(plan: MigrationPlan) -> list[Finding]:
    """Keys outside the contract: kept (the contract may grow) but reported, so a typo is not silently lost."""
    return [
        (path, "unknown_field", f"未知字段「{path[-1]}」，已忽略", f"unknown field '{path[-1]}' was ignored")
        for path in _extras(plan, ())
    ]


def _extras(model: BaseModel, path: Path) -> Iterator[Path]:
    for key in model.model_extra or {}:
        yield (*path, key)
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = field.alias or name
        if isinstance(value, BaseModel):
            yield from _extras(value, (*path, key))
        elif isinstance(value, list):
            for j, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _extras(item, (*path, key, j))
