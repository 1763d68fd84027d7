"""What cannot be undone, asked twice (shared/DOMAIN.md v1.2): the typed key, the checks made before an ask is
recorded, and the rule that a finished wave is not run again unless someone says so (audited).

The CLI and the web both stand on this, so an ask is refused for the same reasons wherever it is made, and what
runs on approval is what runs without one: the executor's own decommission, retirement and rollback.
"""

from __future__ import annotations

from ..contracts import JobKind, WaveState
from ..execute import RETIRE_RECORD, ExecuteError, WaveExecutor, record_name
from ..store import RunLog

IRREVERSIBLE = ("decommission", "retire", "rollback_discard")


class WaveFinished(ExecuteError):
    """A real run of a wave whose record says done, asked without `--rerun`: nothing starts (exit 1, HTTP 409)."""


class WrongKey(ValueError):
    """The key typed to confirm an irreversible operation is not the system's."""

    def __init__(self, system: str, typed: str) -> None:
        super().__init__(system)
        self.zh = f"确认内容须为系统编码 {system}（逐字输入），收到的是 {typed[:140]!r}"
        self.en = f"confirm must be the system's key {system}, typed out; got {typed[:140]!r}"


def check_key(system: str, typed: str | None) -> None:
    """The asker typed the system's key (DEPT/ID) exactly; WrongKey otherwise."""
    if (typed or "").strip() != system:
        raise WrongKey(system, typed or "")


def admissible(executor: WaveExecutor, kind: str, wave: str, system: str) -> None:
    """Refuses (ExecuteError) at the ask what would be refused at the approval: a system the wave (or the
    retirement) does not have, a decommissioning its department has not accepted or whose observation period
    runs. Nothing is recorded for an ask that could never run."""
    if kind not in IRREVERSIBLE:
        raise ValueError(kind)
    if kind == JobKind.retire:
        try:
            executor.hosts_of(RETIRE_RECORD, system)
        except ExecuteError:
            raise ExecuteError(
                f"{system} 的决定不是清理（retire），不能清理；只有僵尸系统才清理",
                f"{system} is not decided retire: only a zombie is retired",
            ) from None
        return
    executor.files(wave)
    executor.hosts_of(wave, system)
    if kind == JobKind.decommission:
        executor.may_decommission(wave, system)


def refuse_finished(store: RunLog, wave: str, check: bool, rerun: bool, actor: str) -> None:
    """A real run of a wave whose record is done is refused (WaveFinished) unless `rerun` says otherwise; a
    re-run is audited (`wave.rerun`). A check run changes nothing and may always run again."""
    if check:
        return
    record = record_name(wave, False)
    done = any(w.wave == record and w.status == WaveState.done for w in store.waves())
    if not done:
        return
    if not rerun:
        raise WaveFinished(
            f"批次 {record} 已完成，不再执行；确需重新执行请明确指定 --rerun（记入审计）",
            f"wave {record} is done and is not run again; to run it again say so with --rerun (audited)",
        )
    store.audit(actor, "wave.rerun", record, "asked", "a finished wave run again on purpose")
