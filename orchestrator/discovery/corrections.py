"""What the facts contradict: declared sizes smaller than measured beyond the tolerance, a database engine other
than declared, and what the measured sizes do to the system's window (the planner's own estimate: the warm part's
delta and the cold part whole in the window, the warm part ahead of it over the same link)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ..plan import MigrationPlan, System
from ..waves import WaveSettings, cold_gb, volume_gb, warm_gb
from .model import GIB, HostFacts, Observation
from .settings import DiscoverySettings

SAME_FAMILY = {"kingbase": "postgresql"}
"""Declared engines whose servers answer as another (Kingbase speaks PostgreSQL's protocol)."""


@dataclass(frozen=True)
class Correction:
    system: str
    field: str
    kind: str  # data_larger | database_larger | engine_differs
    declared: str | float
    measured: str | float
    zh: str
    en: str

    def contract(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class WindowNeed:
    """A system's move with the measured sizes in place of the declared ones."""

    system: str
    declared_gb: float
    measured_gb: float
    window_gb: float
    window_hours: float
    presync_hours: float
    fits: bool
    zh: str
    en: str

    def contract(self) -> dict[str, object]:
        return asdict(self)


def _short(version: str | None) -> str:
    """A server's version as people say it: "PostgreSQL 15.18", not its whole build line."""
    return " ".join((version or "").replace(",", " ").split()[:2])


def _duration(hours: float) -> tuple[str, str]:
    if hours < 1:
        return f"{hours * 60:.1f} 分钟", f"{hours * 60:.1f} min"
    return f"{hours:.1f} 小时", f"{hours:.1f} h"


def _gb(n: int) -> float:
    return round(n / GIB, 6)


def _larger(measured: float, declared: float, s: DiscoverySettings) -> bool:
    return measured > declared * (1 + s.size_tolerance) and measured - declared > s.size_slack_gb


def corrections(
    plans: Sequence[MigrationPlan], observation: Observation, settings: DiscoverySettings, waves: WaveSettings
) -> tuple[list[Correction], list[WindowNeed]]:
    facts: dict[str, list[HostFacts]] = {}
    for h in observation.hosts:
        facts.setdefault(h.system, []).append(h)
    found: list[Correction] = []
    needs: list[WindowNeed] = []
    for p in plans:
        for s in p.systems:
            key = p.key(s)
            if key not in facts:
                continue
            own, measured = _system(key, s, facts[key], settings)
            found += own
            if own:
                needs.append(_window(key, s, measured, waves))
    return found, needs


def _system(
    key: str, s: System, hosts: list[HostFacts], settings: DiscoverySettings
) -> tuple[list[Correction], System]:
    """The system's corrections, and the system with its measured sizes where they are larger."""
    out: list[Correction] = []
    d = s.deployment
    data = _gb(sum(h.data_bytes for h in hosts))
    if _larger(data, d.data_gb, settings):
        out.append(
            Correction(
                key,
                "deployment.data_gb",
                "data_larger",
                d.data_gb,
                data,
                f"数据目录实测 {data:g} GB，大于申报的 {d.data_gb:g} GB",
                f"the data directories hold {data:g} GB, more than the {d.data_gb:g} GB declared",
            )
        )
    dbs = list(d.databases)
    for fact in (f for h in hosts for f in h.databases if f.measured and f.index < len(dbs)):
        db, where = dbs[fact.index], f"deployment.databases[{fact.index}]"
        declared = str(db.engine)
        if fact.engine and SAME_FAMILY.get(declared, declared) != SAME_FAMILY.get(fact.engine, fact.engine):
            out.append(
                Correction(
                    key,
                    f"{where}.engine",
                    "engine_differs",
                    declared,
                    fact.engine,
                    f"数据库 {fact.name} 实为 {fact.engine}（{_short(fact.version)}），申报为 {declared}",
                    f"database {fact.name} is {fact.engine} ({_short(fact.version)}), declared {declared}",
                )
            )
        size = _gb(fact.size_bytes or 0)
        if _larger(size, db.size_gb, settings):
            out.append(
                Correction(
                    key,
                    f"{where}.size_gb",
                    "database_larger",
                    db.size_gb,
                    size,
                    f"数据库 {fact.name}（{_short(fact.version) or fact.engine}）实测 {size:g} GB，大于申报的 {db.size_gb:g} GB",
                    f"database {fact.name} ({_short(fact.version) or fact.engine}) measures {size:g} GB, more than the "
                    f"{db.size_gb:g} GB declared",
                )
            )
            dbs[fact.index] = db.model_copy(update={"size_gb": size})
    measured = s.model_copy(
        update={"deployment": d.model_copy(update={"data_gb": max(d.data_gb, data), "databases": dbs})}
    )
    return out, measured


def _window(key: str, declared: System, measured: System, s: WaveSettings) -> WindowNeed:
    window_gb = s.window_load_gb(warm_gb(measured), cold_gb(measured))
    hours, presync = window_gb / s.gb_in(1), warm_gb(measured) / s.gb_in(1)
    fits = window_gb <= s.window_data_gb and warm_gb(measured) <= s.presync_data_gb
    (in_zh, in_en), (pre_zh, pre_en) = _duration(hours), _duration(presync)
    verdict_zh = "仍可在一个维护窗口内完成" if fits else "一个维护窗口已容纳不下"
    verdict_en = "still fits one maintenance window" if fits else "no longer fits one maintenance window"
    return WindowNeed(
        key,
        round(volume_gb(declared), 6),
        round(volume_gb(measured), 6),
        round(window_gb, 6),
        round(hours, 4),
        round(presync, 4),
        fits,
        f"按实测共 {volume_gb(measured):g} GB（数据目录与数据库合计）：窗口内需同步 {window_gb:g} GB，约 {in_zh}"
        f"（窗口 {s.window.hours:g} 小时），预同步约 {pre_zh}；{verdict_zh}",
        f"measured {volume_gb(measured):g} GB in all (data directories and databases): the window must carry {window_gb:g} GB, about {in_en} "
        f"(of a {s.window.hours:g} h window), the pre-sync about {pre_en}; it {verdict_en}",
    )
