"""How hard a system is to move, from its parts, explained factor by factor like a decision.

The score decides the pilot (the simplest go first, W1) and breaks ties between systems due by the same date.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..plan import REPLICATED_ENGINES, DeploymentKind, System


@dataclass(frozen=True)
class Factor:
    points: int
    zh: str
    en: str


@dataclass(frozen=True)
class Complexity:
    score: int
    factors: tuple[Factor, ...]
    level: str  # simple | medium | complex

    @property
    def rank(self) -> int:
        return {"simple": 0, "medium": 1, "complex": 2}[self.level]


def volume_gb(system: System) -> float:
    """Data a migration moves: the declared data plus every database."""
    return system.deployment.data_gb + sum(db.size_gb for db in system.deployment.databases)


def warm_gb(system: System) -> float:
    """What moves warm (files, and databases their engine replicates): copied ahead, only its delta in the window."""
    d = system.deployment
    return d.data_gb + sum(db.size_gb for db in d.databases if db.engine in REPLICATED_ENGINES)


def cold_gb(system: System) -> float:
    """What moves whole in the window: databases moved at a checkpoint by their engine's own tools."""
    return volume_gb(system) - warm_gb(system)


def complexity(
    system: System, depends_on: int, dependents: int, simple_max: int, medium_max: int
) -> Complexity:
    """`depends_on` and `dependents` count only systems that migrate too."""
    d = system.deployment
    volume = volume_gb(system)
    big_dbs = sum(db.size_gb > 200 for db in d.databases)
    kind_points = {DeploymentKind.container: 0, DeploymentKind.vm: 1, DeploymentKind.physical: 2}[d.kind]
    mlps = system.security.mlps_level
    factors = [
        Factor(
            max(0, len(d.components) - 1), f"{len(d.components)} 个组件", f"{len(d.components)} components"
        ),
        Factor(
            len(d.databases) + big_dbs,
            f"{len(d.databases)} 个数据库（{big_dbs} 个超过 200 GB）",
            f"{len(d.databases)} databases ({big_dbs} over 200 GB)",
        ),
        Factor(
            2 if volume > 2000 else 1 if volume > 500 else 0,
            f"数据量 {volume:g} GB",
            f"{volume:g} GB of data",
        ),
        Factor(
            min(3, depends_on + dependents),
            f"依赖 {depends_on} 个、被依赖 {dependents} 个迁移中的系统",
            f"depends on {depends_on} and is depended on by {dependents} migrating systems",
        ),
        Factor(2 if mlps >= 4 else 1 if mlps >= 3 else 0, f"等保{mlps}级", f"MLPS {mlps}"),
        Factor(kind_points, f"部署方式：{d.kind.value}", f"deployed as {d.kind.value}"),
        Factor(
            2 if d.special_hardware else 0,
            "依赖专用硬件" if d.special_hardware else "无专用硬件",
            "special hardware" if d.special_hardware else "no special hardware",
        ),
    ]
    score = sum(f.points for f in factors)
    level = "simple" if score <= simple_max else "medium" if score <= medium_max else "complex"
    return Complexity(score, tuple(f for f in factors if f.points), level)
