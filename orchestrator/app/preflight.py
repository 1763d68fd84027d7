"""The preflight of a wave (`govmig preflight WAVE --tree T`) and the rule a real run keeps by it.

It checks what the night will lean on, in order: the tree (the wave is there and unchanged since render), the
store (nobody runs the wave now; a finished wave is named), then the hosts (the wave's precheck step in check mode,
through the run's own runner and nodes: nothing on a host changes; it reaches the front ends' switch and every
host's clock too), then each target's health URL as the prober sees it (preflight/health_checks.py). It is recorded and audited; a real run of a
wave (`govmig run`, a worker) needs a ready preflight of the same tree younger than `preflight_max_age_hours`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from ..contracts import WaveState
from ..execute import ExecuteError, Nodes, PlaybookRunner, record_name
from ..preflight import CHECKS, Finding, Preflight, check_health, check_hosts, check_tree
from ..store import Preflights, Store, utcnow
from .executors import playbook_runner

PREFLIGHT_CHECKS = CHECKS
"""Each preflight check's name in Chinese and English, by its code."""

MAX_AGE_HOURS = 72.0
"""The site's `preflight_max_age_hours` when it says nothing (shared/DOMAIN.md v1.2)."""


class PreflightMissing(ExecuteError):
    """A real run that would start a wave without a ready, young preflight of its tree: nothing starts (the CLI
    exits 1, the web answers 409, a worker ends the job failed with these words)."""


def _store_findings(store: Store, wave: str) -> list[Finding]:
    found: list[Finding] = []
    holder = store.leases().holder(wave)
    if holder is not None:
        found.append(
            Finding(
                None,
                "wave_busy",
                "critical",
                f"批次 {wave} 正由 {holder.actor}（{holder.host} 进程 {holder.pid}）执行",
                f"wave {wave} is being run by {holder.actor} ({holder.host}, pid {holder.pid})",
            )
        )
    run = store.wave(wave)
    if run is not None and run.status == WaveState.done:
        found.append(
            Finding(
                None,
                "already_done",
                "warning",
                f"批次 {wave} 已执行完毕：再次执行须明确要求（--rerun）",
                f"wave {wave} is done already: running it again needs --rerun",
            )
        )
    return found


def run_preflight(
    store: Store,
    tree: Path,
    wave: str,
    actor: str,
    nodes: Nodes | None = None,
    runner: PlaybookRunner | None = None,
    prober: str | None = None,
) -> Preflight:
    """Checks the wave, records the result (audited) and returns it. The hosts are asked only when the tree is
    sound: a changed playbook is not run even in check mode. `prober` (a blackbox exporter's address) overrides
    the one each system's rendered Probe names, for a control node that reaches the prober another way."""
    tree = tree.resolve()  # the runner works in a folder of its own: a relative tree would not be found there
    findings = check_tree(tree, wave)
    findings += _store_findings(store, wave)
    if not any(f.check in ("tree", "tree_changed") for f in findings):
        findings += check_hosts(tree, wave, runner or playbook_runner(nodes))
        findings += check_health(tree, wave, prober)
    done = Preflight(wave, str(tree.resolve()), utcnow(), findings)
    Preflights(store.engine).record(
        wave, done.tree, done.at, done.ready, [f.document() for f in findings], actor
    )
    return done


def require_preflight(store: Store, tree: Path, wave: str, max_age_hours: float = MAX_AGE_HOURS) -> None:
    """Raises PreflightMissing unless the newest preflight of `wave` on this tree is ready and young enough;
    `max_age_hours` 0 turns the rule off (a site that has not adopted preflights yet)."""
    if max_age_hours <= 0:
        return
    latest = Preflights(store.engine).latest(wave, str(tree.resolve()))
    how = f"govmig preflight {wave} --tree {tree.name}"
    if latest is None:
        raise PreflightMissing(
            f"批次 {wave} 尚未在此渲染目录上做预检：请先运行 {how}",
            f"wave {wave} has no preflight on this tree: run {how} first",
        )
    if not latest.ready:
        raise PreflightMissing(
            f"批次 {wave} 最近一次预检未通过（{latest.at:%Y-%m-%d %H:%M} UTC）：处理后重新预检",
            f"wave {wave}'s latest preflight was not ready ({latest.at:%Y-%m-%d %H:%M} UTC): fix it and run {how}",
        )
    age = utcnow() - latest.at
    if age > timedelta(hours=max_age_hours):
        raise PreflightMissing(
            f"批次 {wave} 的预检已超过 {max_age_hours:g} 小时：请重新预检",
            f"wave {wave}'s preflight is older than {max_age_hours:g} hours: run {how} again",
        )


def gate_start(
    store: Store, tree: Path, wave: str, check: bool, actor: str, max_age_hours: float = MAX_AGE_HOURS
) -> None:
    """The rule a run keeps before it starts a wave (`govmig run`, `run --queue`, the web, a worker): a check run
    needs no preflight, and neither does continuing a wave that started already (a resume after a task, a pause
    or a crash: its start was gated, and a half-moved wave is not held hostage to a new preflight); a run that
    starts the wave (no record yet, or a finished one run again) needs `require_preflight`. A refusal is
    audited (`wave.refused`, no_preflight)."""
    if check:
        return
    run = store.wave(record_name(wave, False))
    if run is not None and run.status != WaveState.done:
        return
    try:
        require_preflight(store, tree, wave, max_age_hours)
        changed = [f for f in check_tree(tree, wave) if f.severity == "critical"]
        if changed:  # the files hashed again (cheap): an edit after the ready preflight is not run
            raise PreflightMissing(
                f"批次 {wave} 的渲染目录在预检后被改动（{changed[0].zh}）：请重新渲染并预检",
                f"wave {wave}'s tree changed since its preflight ({changed[0].en}): render and preflight again",
            )
    except PreflightMissing as exc:
        store.audit(actor, "wave.refused", wave, "no_preflight", exc.en)
        raise
