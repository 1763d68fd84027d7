"""What the templates see: one view per rendered system and per namespace, computed once from the stages' output.

Every policy decision that shapes an artifact is taken here, in Python, where it can be tested: which systems
run on Kubernetes, which dependencies a NetworkPolicy may open (never across the internal/external boundary),
the objective, the DR copy. The templates only lay the views out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..contracts import availability_objective
from ..plan import DeploymentKind, MigrationPlan, Network, System, Zone, engine_profile, qualify
from ..policy import Action, Decision, Flag
from ..waves import Roadmap, volume_gb
from . import naming, quantities
from .datamoves import data_moves
from .resize import ApprovedSize, resized, vm_size
from .settings import EXAMPLE, RenderSettings

Files = dict[str, str]
"""A rendered tree: relative path -> content."""


@dataclass(frozen=True)
class ComponentView:
    name: str
    component: str
    image: str
    port: int | None
    replicas: int
    cpu: str
    memory: str
    health_path: str | None
    stateful: bool


@dataclass(frozen=True)
class DatabaseView:
    name: str
    engine: str
    image: str
    size: str
    dbname: str = ""
    """The database's own name on both sides (render/datamoves.database_name)."""
    how: str = "checkpoint"
    """How its data moves: logical | binlog | checkpoint | offline (render/datamoves)."""


@dataclass(frozen=True)
class Peer:
    namespace: str
    system: str


@dataclass
class SystemView:
    key: str
    department: str
    system: str
    title: str
    zone: Zone
    network: Network
    classified: bool
    mlps: int
    namespace: str
    wave: str
    kind: str  # container | vm | host (off-cloud: moved by the playbook alone)
    public: bool
    objective: float
    dr: bool
    consolidate_into: str | None
    components: list[ComponentView]
    databases: list[DatabaseView]
    data_size: str | None
    data_gb: float
    vm_cores: int
    vm_memory: str
    health_port: int | None
    health_path: str | None
    probe_url: str | None
    source_host: str
    target_host: str
    window_start: str = ""
    """The wave's window opens (ISO 8601): a warm Forklift plan cuts over then."""
    vm_source: tuple[str, str] | None = None
    """(platform, VM name) of the source VM, for Forklift; None: the VM's disks are imported from images."""
    depends_on: list[Peer] = field(default_factory=list)
    dependents: list[Peer] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    deployment: str = ""
    """How it is deployed today (vm | container | physical): what a runbook's task `applies_to`."""

    @property
    def labels(self) -> dict[str, str]:
        return {
            naming.PART_OF: self.system,
            "app.kubernetes.io/managed-by": "govmig",
            naming.DEPARTMENT: self.department,
            naming.SYSTEM: self.system,
            naming.ZONE: self.zone.value,
            naming.NETWORK: self.network.value,
            naming.CLASSIFIED: str(self.classified).lower(),
        }

    @property
    def metrics_ports(self) -> list[str]:
        """The ports its ServiceMonitor scrapes /metrics on: a system with none exports no request metrics."""
        if self.kind == "container":
            return ["http"] if any(c.port for c in self.components) else []
        if self.kind == "vm":
            return [f"port-{p}" for p in sorted({c.port for c in self.components if c.port})]
        return []

    @property
    def on_kubernetes(self) -> bool:
        return self.kind in ("container", "vm")

    @property
    def claims_data(self) -> bool:
        """A shared data claim is rendered only where a workload mounts it: a container system with files (a
        VM keeps its files on its own data disk)."""
        return self.kind == "container" and bool(self.data_size) and bool(self.components)

    @property
    def front(self) -> tuple[str, int] | None:
        """The Service and port its users reach (the health component's, else the first with a port)."""
        if self.kind == "vm":
            port = self.health_port or next((c.port for c in self.components if c.port), None)
            return (naming.k8s_name(self.system, "vm"), port) if port else None
        c = next((c for c in self.components if c.port and c.health_path), None) or next(
            (c for c in self.components if c.port), None
        )
        return (c.name, c.port) if c and c.port else None

    @property
    def forklift(self) -> bool:
        return self.kind == "vm" and self.vm_source is not None and self.vm_source[0] != "physical"


@dataclass
class NamespaceView:
    name: str
    department: str
    zone: Zone
    network: Network
    classified: bool
    mlps: int
    systems: list[SystemView]
    has_vms: bool


def _kind(system: System, decision: Decision) -> str:
    deployable = system.deployment.kind in (DeploymentKind.vm, DeploymentKind.container)
    if (
        not deployable
        or system.deployment.special_hardware
        or not (decision.cloud or decision.zone is Zone.internal)
    ):
        return "host"
    return system.deployment.kind.value


def _components(system: System, key: str, settings: RenderSettings) -> list[ComponentView]:
    out = []
    for c in system.deployment.components:
        image = c.image or f"registry.{EXAMPLE}/{key.replace('/', '-').lower()}-{c.name}:latest"
        out.append(
            ComponentView(
                naming.k8s_name(system.id, c.name),
                c.name,
                settings.image(image),
                c.port,
                c.replicas,
                c.cpu,
                c.memory,
                c.health_path,
                c.stateful,
            )
        )
    return out


def build_views(
    plans: Sequence[MigrationPlan],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    settings: RenderSettings,
    sizes: Mapping[str, ApprovedSize] | None = None,
) -> list[SystemView]:
    """Views of every scheduled system, in wave order then key order; `sizes`: what a supervisor approved a
    system to hold (render/resize.py): its components' requests scaled to it, a VM sized to it."""
    wave_of = {k: w.id for w in roadmap.waves for k in w.systems}
    window_of = {w.id: w.start.isoformat() for w in roadmap.waves}
    decided = {d.key: d for d in decisions if d.action is Action.migrate}
    views: dict[str, SystemView] = {}
    systems = {p.key(s): (p, s) for p in plans for s in p.systems}
    for key in sorted(wave_of, key=lambda k: (wave_of[k], k)):
        plan, system = systems[key]
        d = decided[key]
        assert d.zone is not None and d.target_network is not None
        dept = plan.department.code
        comps = _components(system, key, settings)
        approved = (sizes or {}).get(key)
        if approved is not None:
            comps = resized(comps, approved)
        health = next((c for c in comps if c.health_path and c.port), None)
        kind = _kind(system, d)
        ns = naming.namespace(dept, d.zone)
        where = naming.host(system.id, dept, settings.domain(d.zone.value))
        if health is None:
            probe = None
        elif kind == "host":
            probe = f"http://{where}:{health.port}{health.health_path}"
        else:  # the way its users come: the host name its HTTPRoute gives it on the zone's Gateway (TLS)
            probe = f"https://{where}{health.health_path}"
        moves = data_moves(
            system.id,
            [str(db.engine) for db in system.deployment.databases],
            d.classified,
            settings.approved_internal_link,
        )
        dbs = [
            DatabaseView(
                naming.k8s_name(
                    system.id, "db", str(n), db.engine, limit=engine_profile(db.engine).name_limit
                ),
                db.engine,
                settings.image(
                    settings.database_images.get(db.engine, f"registry.{EXAMPLE}/base/{db.engine}:latest")
                ),
                quantities.gib(db.size_gb),
                move.name,
                move.how,
            )
            for n, (db, move) in enumerate(zip(system.deployment.databases, moves, strict=True))
        ]
        source = system.deployment.source
        cores = sum(quantities.millicores(c.cpu) * c.replicas for c in comps)
        mem = sum(quantities.mebibytes(c.memory) * c.replicas for c in comps)
        vm_cores, vm_memory = (
            vm_size(approved) if approved else (max(1, -(-cores // 1000)), quantities.memory(max(1024, mem)))
        )
        views[key] = SystemView(
            key=key,
            department=dept,
            system=system.id,
            title=system.name,
            zone=d.zone,
            network=d.target_network,
            classified=d.classified,
            mlps=system.security.mlps_level,
            namespace=ns,
            wave=wave_of[key],
            kind=kind,
            deployment=str(system.deployment.kind),
            public=d.zone is Zone.internet,
            dr=Flag.dr_required in d.flags,
            consolidate_into=d.consolidate_into,
            objective=availability_objective(system.security.mlps_level, settings),
            components=comps,
            databases=dbs,
            data_size=quantities.gib(system.deployment.data_gb) if system.deployment.data_gb else None,
            data_gb=volume_gb(system),
            vm_cores=vm_cores,
            vm_memory=vm_memory,
            health_port=health.port if health else None,
            health_path=health.health_path if health else None,
            probe_url=probe,
            source_host=naming.host(system.id, dept, settings.domain("src")),
            target_host=where,
            window_start=window_of[wave_of[key]],
            vm_source=(source.platform.value, source.vm) if source else None,
        )
    _peers(views, systems)
    return list(views.values())


def _peers(views: dict[str, SystemView], systems: dict[str, tuple[MigrationPlan, System]]) -> None:
    """Dependencies a NetworkPolicy may open: both ends on Kubernetes, and on the same network."""
    for key, view in views.items():
        plan, system = systems[key]
        for ref in system.depends_on:
            dep = views.get(qualify(ref, plan.department.code))
            if dep is None:
                continue
            if dep.network is not view.network:
                view.dropped.append(
                    f"{dep.key}: other network ({dep.network.value}), never opened across the boundary"
                )
            elif not (dep.on_kubernetes and view.on_kubernetes):
                view.dropped.append(f"{dep.key}: off-cluster, to be opened at the network edge")
            else:
                view.depends_on.append(Peer(dep.namespace, dep.system))
                dep.dependents.append(Peer(view.namespace, view.system))


def namespaces(views: Sequence[SystemView]) -> list[NamespaceView]:
    """A namespace for every department and zone with a scheduled system (its quota: render/quota.py).

    Off-cloud systems get one too: their monitoring objects live in it.
    """
    grouped: dict[str, list[SystemView]] = defaultdict(list)
    for v in views:
        grouped[v.namespace].append(v)
    out = []
    for name in sorted(grouped):
        everyone = grouped[name]
        members = [v for v in everyone if v.on_kubernetes]
        first = everyone[0]
        out.append(
            NamespaceView(
                name=name,
                department=first.department,
                zone=first.zone,
                network=first.network,
                classified=first.classified,
                mlps=max(v.mlps for v in everyone),
                systems=members,
                has_vms=any(v.kind == "vm" for v in members),
            )
        )
    return out
