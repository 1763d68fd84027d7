"""Which hosts belong to which system in a rendered wave inventory, and where each system's health URL is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...contracts import load_inventory


@dataclass
class SystemHosts:
    key: str
    hosts: list[str] = field(default_factory=list)
    health_url: str | None = None
    checkpoints: list[dict[str, Any]] = field(default_factory=list)
    """Databases govmig does not move itself (their engine's tools, or an offline transfer): confirmed by hand."""


def _walk(group: dict[str, Any], out: dict[str, SystemHosts]) -> None:
    for name, given in (group.get("hosts") or {}).items():
        hostvars = given or {}
        dept, system = hostvars.get("govmig_department"), hostvars.get("govmig_system")
        if not dept or not system:
            continue
        entry = out.setdefault(f"{dept}/{system}", SystemHosts(f"{dept}/{system}"))
        if name not in entry.hosts:
            entry.hosts.append(name)
        entry.health_url = entry.health_url or hostvars.get("govmig_health_url")
        for db in hostvars.get("govmig_databases") or []:
            manual = isinstance(db, dict) and db.get("move") in ("checkpoint", "offline")
            if manual and db.get("name") not in [c.get("name") for c in entry.checkpoints]:
                entry.checkpoints.append(db)
    for child in (group.get("children") or {}).values():
        _walk(child or {}, out)


def systems_in(inventory: Path) -> dict[str, SystemHosts]:
    doc = load_inventory(inventory.read_text(encoding="utf-8")) or {}
    out: dict[str, SystemHosts] = {}
    _walk(doc.get("all") or {}, out)
    return dict(sorted(out.items()))
