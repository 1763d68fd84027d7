"""What a supervisor approved a system to hold (资源调整, issue 41), as render takes it: the whole system's vCPU and
memory (every component's requests times its replicas). Render scales each component's requests and limits to it,
and a VM holds it exactly (its cores rounded up to whole); it reads no store: the approved sizes come in as this
model."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..plan import System
from . import quantities

if TYPE_CHECKING:
    from .views import ComponentView


@dataclass(frozen=True)
class ApprovedSize:
    cpu: float
    """vCPU the whole system holds (all components, all replicas)."""
    memory_gib: float
    """GiB of memory the whole system holds."""
    request: int = 0
    """The approved request it comes from (its number), for the record."""


def vm_size(size: ApprovedSize) -> tuple[int, str]:
    """A VM's cores (whole, rounded up) and memory (at least 1Gi) for an approved size."""
    return max(1, -(-round(size.cpu * 1000) // 1000)), quantities.memory(
        max(1024, round(size.memory_gib * 1024))
    )


def resized(components: Sequence[ComponentView], size: ApprovedSize) -> list[ComponentView]:
    """Each component's per-replica CPU and memory scaled by the same share, so the system holds at most the
    approved totals (rounded down to whole millicores and mebibytes, at least 1 each)."""
    cores = sum(quantities.millicores(c.cpu) * c.replicas for c in components)
    mib = sum(quantities.mebibytes(c.memory) * c.replicas for c in components)
    if cores <= 0 or mib <= 0:
        return list(components)
    want_mc, want_mib = round(size.cpu * 1000), round(size.memory_gib * 1024)
    return [
        dataclasses.replace(
            c,
            cpu=quantities.cpu(max(1, quantities.millicores(c.cpu) * want_mc // cores)),
            memory=quantities.memory(max(1, quantities.mebibytes(c.memory) * want_mib // mib)),
        )
        for c in components
    ]


def declared_size(system: System) -> tuple[float, float, float]:
    """What a plan declares a system holds, as render would size it: (vCPU, memory GiB) of its components'
    requests times replicas, and storage GiB of its data and databases."""
    comps = system.deployment.components
    cores = sum(quantities.millicores(c.cpu) * c.replicas for c in comps) / 1000
    gib = sum(quantities.mebibytes(c.memory) * c.replicas for c in comps) / 1024
    storage = float(system.deployment.data_gb or 0) + sum(
        float(db.size_gb or 0) for db in system.deployment.databases
    )
    return round(cores, 3), round(gib, 3), round(storage, 3)
