"""`govmig verify WAVE --tree T`: drift caught while a wave is warm (shared/DOMAIN.md v1.2), not first at the night's
final verification.

While a wave's systems are presynced (their replicas filled by the engines' own replication, the sources still
serving), every table's row count and checksum and the data tree's digest are taken on the source and on the
target: the same figures, by the same hosts' module, as the verify step of the night (`govmig_db` op verify, whose
dialect per engine is held to the engine profiles; `govmig_digest`), run from each target host, which reaches both
sides, through the run's own runner and execution nodes. The playbook only reads, and is staged beside the run (the
reviewed tree is not touched).

A difference is asked again after `recheck_seconds` (the replication's lag clears; Alibaba's and Tencent's DTS do
the same): only what differs both times is drift. Each drifting system is audited `wave.verify` drift (the
notifiers tell it as `verification_drift`); a clean pass is audited equal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path

from ..contracts import SystemState, Tree, load_inventory
from ..execute import ExecuteError, Nodes, PlaybookRunner, RunRequest, systems_in
from ..plan import engine_profile
from ..store import Store, utcnow
from .executors import playbook_runner
from .staged_playbook import staged_playbook
from .warm_figures import Heard, SystemFigures, SystemVerdict, Verified, rows_of

PLAYBOOK = "verify_warm.yml"
MODULES = ("govmig_db.py", "govmig_digest.py")
WARM = (SystemState.presynced, SystemState.deployed)
"""A system is warm from its presync until its final sync: its replica is filled and follows the source."""
Say = Callable[[str, str], None]


class VerifyRefused(ExecuteError):
    """Nothing to verify as asked (no such wave, no warm system): bad input, exit 2."""


def _staged(work: Path) -> AbstractContextManager[Path]:
    """The playbook with its modules and the strategy every run uses, in a folder of the run's own."""
    return staged_playbook(work, PLAYBOOK, MODULES)


def warm_systems(store: Store, tree: Path, wave: str) -> dict[str, list[str]]:
    """The wave's warm systems with their hosts (VerifyRefused when there is nothing to verify)."""
    files = Tree(tree)
    if not files.has_wave(wave):
        raise VerifyRefused(
            f"渲染目录中没有批次 {wave} 的剧本和清单",
            f"the tree holds no playbook and inventory for wave {wave}",
        )
    states = {s.system: s.state for s in store.systems(wave)}
    hosts = systems_in(files.inventory(wave))
    warm = {k: h.hosts for k, h in hosts.items() if states.get(k) in WARM}
    if not warm:
        raise VerifyRefused(
            f"批次 {wave} 没有处于预同步（热同步）阶段的系统：预同步后、最终同步前才可校验",
            f"no system of wave {wave} is presynced (warm): verify runs between the presync and the final sync",
        )
    return warm


def _targets(inventory: Path, systems: Mapping[str, list[str]]) -> dict[str, str]:
    """Each warm system's target hosts (in `wave_targets`) → its key: where the figures are taken from."""
    doc = load_inventory(inventory.read_text(encoding="utf-8")) or {}
    children = (doc.get("all") or {}).get("children") or {}
    groups = list((children.get("wave_targets") or {}).get("children") or {})
    owner: dict[str, str] = {}
    for group in groups:
        for host in (children.get(group) or {}).get("hosts") or {}:
            key = next((k for k, hosts in systems.items() if host in hosts), None)
            if key is not None:
                owner[host] = key
    return owner


def _pass(
    tree: Path, wave: str, owner: Mapping[str, str], runner: PlaybookRunner, stage: Path, n: int
) -> dict[str, SystemFigures]:
    heard = Heard(owner)
    result = runner(
        RunRequest(
            wave=wave,
            systems=tuple(sorted(set(owner.values()))),
            step="verify_warm",
            attempt=n,
            tags=(),
            limit=tuple(sorted(owner)),
            check=False,  # the module's verify only reads; in check mode it would not compare
            playbook=stage / PLAYBOOK,
            inventory=Tree(tree).inventory(wave).resolve(),
            roles=stage / "roles",
            private_dir=Tree(tree).runs(f"{wave}.verify"),
        ),
        heard,
        lambda: False,
    )
    out = {key: heard.by_system.get(key, SystemFigures()) for key in sorted(set(owner.values()))}
    for key, figures in out.items():
        if not figures.tables and not figures.files and not figures.errors and not result.ok:
            figures.errors.append(result.why([h for h, k in owner.items() if k == key]))
    return out


def _unreplicated(inventory: Path, systems: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Per warm system, the databases moved at a checkpoint (their engine's own tools, or an offline transfer, as
    its profile says): govmig holds no replica of them to compare."""
    hosts = systems_in(inventory)
    out: dict[str, list[str]] = {}
    for key in systems:
        out[key] = [
            f"{c.get('name')} ({engine_profile(str(c.get('engine'))).label_zh}, {c.get('move')})"
            for c in hosts[key].checkpoints
        ]
    return out


def verify_warm(
    store: Store,
    tree: Path,
    wave: str,
    actor: str,
    recheck_seconds: float = 60.0,
    nodes: Nodes | None = None,
    runner: PlaybookRunner | None = None,
    say: Say = lambda zh, en: None,
    sleep: Callable[[float], None] = time.sleep,
) -> Verified:
    """Compares the warm wave's replicas with their sources, asks again after `recheck_seconds` what differed,
    audits the result (drift per system) and returns it; VerifyRefused when there is nothing to verify."""
    systems = warm_systems(store, tree, wave)
    unreplicated = _unreplicated(Tree(tree).inventory(wave), systems)
    owner = _targets(Tree(tree).inventory(wave), systems)
    run = runner or playbook_runner(nodes)
    with _staged(Tree(tree).runs(f"{wave}.verify-stage")) as stage:
        first = _pass(tree, wave, owner, run, stage, 1)
        differing = {k: sorted(f.differ()) for k, f in first.items() if f.differ()}
        second: dict[str, SystemFigures] = {}
        if differing:
            listed = "; ".join(f"{k}: {', '.join(v[:5])}" for k, v in differing.items())
            say(
                f"不一致（{listed}），{recheck_seconds:g} 秒后复查（复制延迟不算漂移）",
                f"differs ({listed}); checked again in {recheck_seconds:g} s (replication lag is not drift)",
            )
            sleep(recheck_seconds)
            again = {h: k for h, k in owner.items() if k in differing}
            second = _pass(tree, wave, again, run, stage, 2)
    verdicts = []
    for key, figures in first.items():
        was = differing.get(key, [])
        now = second.get(key, figures)
        drift = sorted(set(was) & now.differ())
        errors = figures.errors + (now.errors if now is not figures else [])
        state = "error" if errors else "drift" if drift else "lag" if was else "equal"
        verdicts.append(
            SystemVerdict(
                key, state, len(now.tables), rows_of(now), was, drift, errors, now.files, unreplicated[key]
            )
        )
    done = Verified(wave, utcnow().isoformat(), recheck_seconds, verdicts)
    _audit(store, done, actor)
    return done


def _audit(store: Store, done: Verified, actor: str) -> None:
    for v in done.systems:
        if v.state == "drift":
            store.audit(actor, "wave.verify", f"{done.wave}/{v.system}", "drift", ", ".join(v.drift)[:500])
        elif v.state == "error":
            store.audit(actor, "wave.verify", f"{done.wave}/{v.system}", "error", "; ".join(v.errors)[:500])
    if done.equal:
        lag = sum(1 for v in done.systems if v.state == "lag")
        store.audit(actor, "wave.verify", done.wave, "equal", f"systems={len(done.systems)} lag={lag}")
