"""`govmig discover`'s run: the read-only playbook over a wave's (or every wave's) source hosts, through the same
inventories, runner and execution nodes as a wave, and what the hosts said turned into one observation.

The playbook and its two modules are staged in a private folder beside the run (the rendered tree is not
touched, and a tree rendered before discovery existed works too); the run is in check mode, so no task of it can
change a host; the sources are sampled `forks` at a time, each for the window, each for a bounded number of
samples. Every address of every inventory is learned first (a province discovered wave by wave still maps a peer
in another wave to its system), then what each observed host says of its own addresses and listening ports.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..contracts import Tree
from ..discovery import (
    DEFAULT_DISCOVERY,
    AddressBook,
    DiscoverySettings,
    HostReport,
    Observation,
    Run,
    dependencies,
    facts_of,
    learn,
)
from ..execute import PlaybookRunner, RunRequest
from .discover_inventory import Resolver, SourceHost, read_inventory, resolve_names, waves_of
from .staged_playbook import staged_playbook

PLAYBOOK = "discover.yml"
MODULES = ("govmig_connections.py", "govmig_facts.py")


class DiscoverError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass
class Discovered:
    """One run: what it observed, and the hosts it could not (each with why)."""

    observation: Observation
    failed: dict[str, str] = field(default_factory=dict)
    waves: list[str] = field(default_factory=list)


def staged(work: Path) -> AbstractContextManager[Path]:
    """The playbook with its modules and the strategy every run uses, in a folder of the run's own."""
    return staged_playbook(work, PLAYBOOK, MODULES)


class _Heard:
    """The two modules' results by host, from the run's events."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, Mapping[str, Any]]] = {}

    def __call__(self, event: dict[str, Any]) -> None:
        if event.get("event") != "runner_on_ok":
            return
        data = event.get("event_data") or {}
        action = str(data.get("task_action") or data.get("resolved_action") or "")
        res = data.get("res")
        for module in ("govmig_connections", "govmig_facts"):
            if action.endswith(module) and isinstance(res, dict):
                self.results.setdefault(str(data.get("host", "")), {})[module] = res


def _observe(
    tree: Path,
    wave: str,
    hosts: list[SourceHost],
    runner: PlaybookRunner,
    stage: Path,
    folder: Path,
    settings: DiscoverySettings,
    window: float,
    cancelled: Callable[[], bool],
) -> tuple[list[HostReport], dict[str, str]]:
    """One wave's sources through the runner: what each host reported, and each host that did not, with why."""
    samples, interval = settings.samples_for(window)
    heard = _Heard()
    result = runner(
        RunRequest(
            wave=wave,
            systems=tuple(sorted({h.system for h in hosts})),
            step="discover",
            attempt=1,
            tags=(),
            limit=tuple(h.name for h in hosts),
            check=True,
            playbook=stage / PLAYBOOK,
            inventory=Tree(tree).inventory(wave).resolve(),
            roles=stage / "roles",
            private_dir=folder / "runs" / wave,
            extravars={
                "govmig_discover_samples": samples,
                "govmig_discover_interval": interval,
                "govmig_discover_max_connections": settings.max_connections,
            },
            forks=settings.forks,
        ),
        heard,
        cancelled,
    )
    reports, lost = [], {}
    for h in hosts:
        said = heard.results.get(h.name, {})
        if "govmig_connections" not in said or "govmig_facts" not in said:
            lost[h.name] = result.why([h.name]) if not result.ok else "no result"
            continue
        conns = said["govmig_connections"]
        reports.append(
            HostReport(
                host=h.name,
                system=h.system,
                wave=wave,
                addresses=[str(a) for a in conns.get("addresses") or []],
                listening=[str(a) for a in conns.get("listening") or []],
                connections=[c for c in conns.get("connections") or [] if isinstance(c, dict)],
                facts=said["govmig_facts"],
            )
        )
    return reports, lost


def discover(
    tree: Path,
    wave: str,
    window: float,
    runner: PlaybookRunner,
    settings: DiscoverySettings = DEFAULT_DISCOVERY,
    work: Path | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    cancelled: Callable[[], bool] = lambda: False,
    resolve: Resolver = resolve_names,
) -> Discovered:
    """Observes the sources of `wave` (or of every wave: "all") for `window` seconds."""
    known = waves_of(tree)
    if wave != "all" and wave not in known:
        raise DiscoverError(
            f"找不到批次 {wave} 的剧本或清单（先运行 govmig render）",
            f"no playbook or inventory for wave {wave} in the tree (run govmig render first)",
        )
    if not known:
        raise DiscoverError("制品树中没有任何批次的清单", "the tree holds no wave's inventory")
    book = AddressBook()
    names: dict[str, set[str]] = {}
    sources = {w: read_inventory(Tree(tree).inventory(w), w, book, names) for w in known}
    for name, addresses in resolve(sorted(names)).items():
        for address in addresses:
            for key in names[name]:
                book.address(address, key)
    chosen = known if wave == "all" else [wave]
    reports: list[HostReport] = []
    runs: list[Run] = []
    failed: dict[str, str] = {}
    own = work is None
    folder = Path(tempfile.mkdtemp(prefix="govmig-discover-")) if work is None else work
    try:
        with staged(folder) as stage:
            for w in chosen:
                if not sources[w]:
                    continue
                started = clock()
                heard, lost = _observe(
                    tree, w, sources[w], runner, stage, folder, settings, window, cancelled
                )
                reports += heard
                failed.update(lost)
                runs.append(
                    Run(wave=w, at=started, window_seconds=window, hosts=len(sources[w]), failed=list(lost))
                )
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)
    learn(book, reports)
    at = clock()
    facts = []
    for r in reports:
        try:
            facts.append(facts_of(r, at))
        except ValueError:  # a report the facts model refuses (pydantic's ValidationError is a ValueError)
            failed[r.host] = "unreadable facts"
    observation = Observation(
        runs=runs,
        connections=dependencies(reports, book),
        hosts=sorted(facts, key=lambda h: (h.system, h.host)),
    )
    return Discovered(observation, failed, chosen)
