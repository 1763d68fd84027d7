"""`govmig run`, `resume`, `status`, `rollback`, `confirm`, `decommission` and `retire`: cloud ops running waves.

Ctrl-C once: pause after the running steps (state stays resumable); twice: cancel the running playbooks too.
What cannot be undone (decommission, retire, a rollback discarding the target's writes) is only asked here: it
runs when a second person approves it (`govmig approvals approve ID --by NAME`, cli/approvals_cmds.py).
"""

from __future__ import annotations

import getpass
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import click
from rich.live import Live
from rich.table import Table

from ..app import (
    RETIRE_RECORD,
    RUN_STATE_ZH,
    ApprovalRefused,
    ExecuteError,
    GatePolicy,
    Outcome,
    PreflightMissing,
    Queued,
    Site,
    Store,
    WaveBusy,
    WaveExecutor,
    WaveFinished,
    ask,
    build_executor,
    gate_start,
    holding,
    record_name,
    refuse_finished,
    summarize,
    task_documents,
    wave_documents,
)
from ..contracts import JobStatus, ManualTaskState, SystemState, WaveState
from .options import DB, OBSERVATION, TREE, gate_options, site
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail


def _site(db: str | None, check: bool = False) -> Site:
    return site(db, check)


def _refuse(exc: ExecuteError) -> None:
    """A wave someone else runs, or a finished one asked again, is a failure to start (exit 1); anything else
    execute refuses is bad input."""
    fail(exc.zh, exc.en, FAILED if isinstance(exc, (WaveBusy, WaveFinished, PreflightMissing)) else BAD_INPUT)


BY = click.option(
    "--by",
    default=getpass.getuser,
    show_default="当前系统用户 the login user",
    help="操作人 Who asks (recorded; a second person approves)",
)


def _ask_second_person(
    here: Site,
    tree: Path,
    kind: str,
    wave: str,
    system: str,
    by: str,
    fmt: str,
    observation_days: float = 0,
) -> None:
    """Records an irreversible operation's ask for a second person and exits 0 with its id; refused at once
    (exit 2, or 1 when the same ask waits already) when it could never run."""
    gates = GatePolicy(hold_seconds=0, concurrency=1, failure_budget=0, observation_days=observation_days)
    executor = _executor(here.store, tree, gates)
    try:
        asked = here.waves.ask_irreversible(kind, wave, system, by, "cli", tree, observation_days, executor)
    except ExecuteError as exc:
        _refuse(exc)
        raise
    except ApprovalRefused as exc:
        fail(exc.zh, exc.en, FAILED)
        raise
    if fmt == "json":
        emit_json({"approval": asked.id, "status": asked.status})
        return
    console().print(
        f"已提交审批 asked: {asked.id} 号（{kind} {system}），须另一人批准后执行 "
        f"runs once a second person approves: govmig approvals approve {asked.id} --by NAME"
    )


class _Live:
    """Per system: step, task, host, elapsed; redrawn a few times a second."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def __call__(self, system: str, step: str, event: dict[str, Any]) -> None:
        data = event.get("event_data") or {}
        row = self.rows.setdefault(system, {"since": time.monotonic()})
        if row.get("step") != step:
            row.update(step=step, since=time.monotonic())
        row.update(task=data.get("task", row.get("task", "")), host=data.get("host", row.get("host", "")))

    def table(self) -> Table:
        table = Table(title="执行中 Running")
        for name in ("系统 System", "步骤 Step", "任务 Task", "主机 Host", "用时 Elapsed"):
            table.add_column(name, overflow="fold")
        for system, row in sorted(self.rows.items()):
            table.add_row(
                system,
                row.get("step", ""),
                row.get("task", ""),
                row.get("host", ""),
                f"{time.monotonic() - row['since']:.0f}s",
            )
        return table


def _execute(executor: WaveExecutor, action: Any, fmt: str) -> Any:
    interrupts = 0

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupts
        interrupts += 1
        executor.pause()
        if interrupts > 1:
            executor.abort()
        console(stderr=True).print(
            "[yellow]暂停中：等待正在执行的步骤结束 pausing after the running steps "
            "(Ctrl-C again to cancel them)[/]"
        )

    previous = signal.signal(signal.SIGINT, on_sigint)
    live = _Live()
    executor.follow(live)
    try:
        if fmt == "json" or not console().is_terminal:
            return action()
        with Live(live.table(), console=console(), refresh_per_second=4, transient=True) as screen:

            def show(system: str, step: str, event: dict[str, Any]) -> None:
                live(system, step, event)
                screen.update(live.table())

            executor.follow(show)
            return action()
    finally:
        signal.signal(signal.SIGINT, previous)


def _executor(store: Store, tree: Path, gates: GatePolicy) -> WaveExecutor:
    return build_executor(store, tree, getpass.getuser(), gates)


def _report(store: Store, record: str, fmt: str) -> None:
    systems = store.systems(record)
    wave = store.wave(record)
    tasks = (
        [t for t in task_documents(store, Path(wave.tree), record) if t["state"] != ManualTaskState.done]
        if wave
        else []
    )
    if fmt == "json":
        emit_json(
            {
                "wave": record,
                "status": wave.status if wave else None,
                "systems": wave_documents(store, record),
                "tasks": tasks,
            }
        )
        return
    table = Table(title=f"批次 Wave {record}：{wave.status if wave else '未运行 not run'}")
    for name in ("系统 System", "状态 State", "最近步骤 Last step", "次数 Attempts", "错误 Error"):
        table.add_column(name, overflow="fold")
    for s in systems:
        colour = (
            "green"
            if s.state == SystemState.done
            else "red"
            if s.state in (SystemState.failed, SystemState.rolled_back)
            else "yellow"
        )
        table.add_row(
            s.system,
            f"[{colour}]{RUN_STATE_ZH.get(s.state, s.state)} {s.state}[/]",
            f"{s.step or ''} {s.step_status or ''}",
            str(s.attempts),
            s.error or "",
        )
    console().print(table)
    if tasks:
        console().print(
            f"[yellow]未完成的人工任务 open manual tasks: {len(tasks)}[/]（govmig task list {record}；"
            f"govmig task done {record} DEPT/ID TASK --by NAME）"
        )
    moves = summarize(store, record)
    if moves:
        console().print(_moves_table(moves))


def _moves_table(moves: dict[str, Any]) -> Table:
    """What each move measured: the tables and rows compared, the files, the catch-up and the write downtime."""
    table = Table(title="数据迁移校验 Data moves, verified")
    for name in (
        "系统 System",
        "校验 Verified",
        "表 Tables",
        "行 Rows",
        "文件 Files",
        "追平 Catch-up",
        "停写 Write downtime",
        "待确认 Checkpoint",
    ):
        table.add_column(name, overflow="fold")
    for system, m in sorted(moves.items()):
        colour = {"✓": "green", "✗": "red"}.get(m.verified, "yellow")
        table.add_row(
            system,
            f"[{colour}]{m.verified}[/]" + (f" {', '.join(m.differ[:3])}" if m.differ else ""),
            str(m.tables or ""),
            f"{m.rows:,}" if m.rows else "",
            "" if m.files is None else str(m.files),
            "" if m.catchup_seconds is None else f"{m.catchup_seconds:.2f}s",
            "" if m.write_downtime_seconds is None else f"{m.write_downtime_seconds:.1f}s",
            "; ".join(m.checkpoints)[:120],
        )
    return table


def _not_queued(here: Site, record: str) -> None:
    """A wave queued for a worker (or run by one) is not run beside it from here: exit 1, saying whose job."""
    job = here.waves.job(record)
    if job is not None:
        state = "等待执行器" if job.status == JobStatus.queued else f"执行器 {job.worker} 正在执行"
        fail(
            f"批次 {record} 已在队列中（任务 {job.id}，{job.actor} 提交，{state}）：请等待其结束或暂停",
            f"wave {record} is queued for a worker (job {job.id}, asked by {job.actor}, {job.status}): "
            "wait for it or pause it",
            FAILED,
        )


def _run_and_report(store: Store, executor: WaveExecutor, action: Callable[[], Outcome], fmt: str) -> None:
    """Runs, reports the wave's systems, and exits 0 only when every system is done."""
    try:
        outcome = _execute(executor, action, fmt)
    except ExecuteError as exc:
        _refuse(exc)
        raise
    _report(store, outcome.wave, fmt)
    raise SystemExit(OK if outcome.status == WaveState.done else FAILED)


def _queue(
    here: Site,
    executor: WaveExecutor,
    wave: str,
    check: bool,
    only: str | None,
    fmt: str,
    rerun: bool,
    max_age_hours: float,
) -> None:
    if only is not None:
        fail(
            "--queue 排队整个批次，不能与 --only 同用",
            "--queue queues the whole wave: it cannot go with --only",
        )
    try:
        job = ask(
            here.waves.queue,
            executor,
            "run",
            wave,
            executor.actor,
            check=check,
            rerun=rerun,
            preflight_max_age_hours=max_age_hours,
        )
    except ExecuteError as exc:
        _refuse(exc)
        raise
    except Queued as exc:
        fail(
            f"批次 {exc.job.record} 已在队列中（任务 {exc.job.id}，{exc.job.status}）",
            f"wave {exc.job.record} is queued already (job {exc.job.id}, {exc.job.status})",
            FAILED,
        )
        raise
    if fmt == "json":
        emit_json({"job": job.id, "record": job.record, "status": job.status})
    else:
        console().print(
            f"已排队 queued: {job.record}（任务 job {job.id}），由执行器执行 a worker carries it out"
        )
    raise SystemExit(OK)


@click.command("run")
@click.argument("wave")
@TREE
@DB
@click.option("--check", is_flag=True, help="检查模式，不做改动 Check mode: change nothing")
@click.option("--only", metavar="DEPT/ID", help="只迁移这个系统 Only this system")
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="交给执行器（govmig worker）执行，立即返回 Queue it for a worker (govmig worker) and return at once",
)
@click.option(
    "--rerun",
    is_flag=True,
    help="重新执行已完成的批次（记入审计）Run a finished wave again, on purpose (audited)",
)
@gate_options
@FORMAT
def run_command(
    wave: str,
    tree: Path,
    db: str | None,
    check: bool,
    only: str | None,
    queued: bool,
    rerun: bool,
    gates: GatePolicy,
    fmt: str,
) -> None:
    """执行迁移批次 Run a wave: every system through precheck … decommission. A wave whose record is done is
    not run again (exit 1) unless --rerun (audited)."""
    here = _site(db, check=True)
    store = here.store
    executor = _executor(store, tree, gates)
    if queued:
        _queue(here, executor, wave, check, only, fmt, rerun, gates.preflight_max_age_hours)
    _not_queued(here, record_name(wave, check))
    try:
        executor.files(wave)  # bad input (no such wave or system) is said before the preflight is asked
        if only is not None:
            executor.hosts_of(wave, only)
        refuse_finished(store, wave, check, rerun, executor.actor)
        executor.lease(record_name(wave, check)).check_free()  # whoever holds the wave is said first
        gate_start(store, tree, wave, check, executor.actor, gates.preflight_max_age_hours)
    except ExecuteError as exc:
        _refuse(exc)
    _run_and_report(store, executor, lambda: executor.run(wave, check=check, only=only), fmt)


@click.command("resume")
@click.argument("wave")
@TREE
@DB
@gate_options
@FORMAT
def resume_command(wave: str, tree: Path, db: str | None, gates: GatePolicy, fmt: str) -> None:
    """继续暂停或中断的批次 Resume a paused or interrupted wave where it stopped."""
    here = _site(db, check=True)
    store = here.store
    if store.wave(wave) is None:
        fail(f"批次 {wave} 还没有运行过", f"wave {wave} has not been run")
    _not_queued(here, wave)
    executor = _executor(store, tree, gates)
    _run_and_report(store, executor, lambda: executor.run(wave), fmt)


@click.command("status")
@click.argument("wave", required=False)
@DB
@click.option("--check", is_flag=True, help="看检查模式的记录 The check-mode record")
@FORMAT
def status_command(wave: str | None, db: str | None, check: bool, fmt: str) -> None:
    """批次与系统的状态 State of the waves and their systems."""
    here = _site(db)
    store = here.store
    if wave is None:
        waves = store.waves()
        jobs = [j for j in here.waves.queue.jobs(50) if j.status in (JobStatus.queued, JobStatus.claimed)]
        if fmt == "json":
            emit_json(
                {
                    "waves": [
                        {"wave": w.wave, "status": w.status, "check": w.check_mode, **holding(store, w.wave)}
                        for w in waves
                    ],
                    "queue": [
                        {
                            "job": j.id,
                            "record": j.record,
                            "kind": j.kind,
                            "status": j.status,
                            "worker": j.worker,
                        }
                        for j in jobs
                    ],
                }
            )
            return
        table = Table(title="批次 Waves")
        for name in ("批次 Wave", "状态 Status", "开始 Started", "更新 Updated", "执行者 Held by"):
            table.add_column(name)
        for w in waves:
            held = holding(store, w.wave)
            who = held["holder"]
            table.add_row(
                w.wave,
                w.status,
                f"{w.started_at:%Y-%m-%d %H:%M}",
                f"{w.updated_at:%Y-%m-%d %H:%M}",
                f"{who['actor']}@{who['host']} pid {who['pid']} since {who['since'][:19]}"
                if who
                else (f"{held['why']['zh']} {held['why']['en']}" if held["why"] else ""),
            )
        console().print(table)
        if jobs:
            queue = Table(title="队列 Queue: 等待或正在由执行器执行 waiting for or run by a worker")
            for name in (
                "任务 Job",
                "记录 Record",
                "类型 Kind",
                "状态 Status",
                "执行器 Worker",
                "提交人 Asked by",
            ):
                queue.add_column(name)
            for j in reversed(jobs):
                queue.add_row(str(j.id), j.record, j.kind, j.status, j.worker or "", j.actor)
            console().print(queue)
        return
    if store.wave(record_name(wave, check)) is None:
        fail(f"批次 {wave} 还没有运行过", f"wave {wave} has not been run", BAD_INPUT)
    _report(store, record_name(wave, check), fmt)


def one_system(
    here: Site,
    tree: Path,
    wave: str,
    act: Callable[[WaveExecutor], Outcome],
    fmt: str,
    success: str,
    actor: str | None = None,
    on_refused: Callable[[ExecuteError], None] = lambda _: None,
    observation_days: float = 0.0,
) -> None:
    """Carries out one system's later step in the foreground (what an approval runs): exit 0 when it ended
    `success`, 1 when it failed, and the executor's refusal (`on_refused` told) as the house says."""
    _not_queued(here, wave)
    store = here.store
    gates = GatePolicy(hold_seconds=0, concurrency=1, failure_budget=0, observation_days=observation_days)
    executor = build_executor(store, tree, actor or getpass.getuser(), gates)
    try:
        outcome = _execute(executor, lambda: act(executor), fmt)
    except ExecuteError as exc:
        on_refused(exc)
        _refuse(exc)
        raise
    _report(store, wave, fmt)
    raise SystemExit(OK if outcome.status == success else FAILED)


@click.command("rollback")
@click.argument("system", metavar="DEPT/ID")
@click.option("--wave", required=True, help="系统所在批次 The wave it moved in")
@click.option(
    "--discard-target-writes",
    is_flag=True,
    help="切换后目标上的写入不带回源系统（丢弃，记入审计）Do not carry the target's writes since cutover back "
    "to the source: they are discarded (audited)",
)
@TREE
@DB
@BY
@FORMAT
def rollback_command(
    system: str, wave: str, discard_target_writes: bool, tree: Path, db: str | None, by: str, fmt: str
) -> None:
    """回退一个系统 Roll one system back to its source (after cutover, its writes on the target go back first).
    With --discard-target-writes it is only asked: it runs once a second person approves it."""
    here = _site(db, check=True)
    if discard_target_writes:
        console(stderr=True).print(
            "[bold red]警告：切换后在目标上写入的数据将被丢弃，不会带回源系统；此操作记入审计，须另一人批准。[/]\n"
            "[bold red]warning: every write made on the target since cutover is discarded, not carried back to the "
            "source; this is audited and needs a second person's approval.[/]"
        )
        _ask_second_person(here, tree, "rollback_discard", wave, system, by, fmt)
        raise SystemExit(OK)
    one_system(here, tree, wave, lambda ex: ex.rollback(wave, system), fmt, "rolled_back", by)


@click.command("decommission")
@click.argument("system", metavar="DEPT/ID")
@click.option("--wave", required=True, help="系统所在批次 The wave it moved in")
@OBSERVATION
@TREE
@DB
@BY
@FORMAT
def decommission_command(
    system: str, wave: str, observation_days: float, tree: Path, db: str | None, by: str, fmt: str
) -> None:
    """申请下线源系统 Ask to decommission a cut-over system's source: only after its department accepted the move
    (and the observation period since), a later step than the wave; no way back after, so it runs once a second
    person approves it (govmig approvals approve ID --by NAME)."""
    _ask_second_person(_site(db, check=True), tree, "decommission", wave, system, by, fmt, observation_days)


@click.command("retire")
@click.argument("system", metavar="DEPT/ID")
@TREE
@DB
@BY
@FORMAT
def retire_command(system: str, tree: Path, db: str | None, by: str, fmt: str) -> None:
    """申请清理僵尸系统 Ask to retire a zombie (decision retire): archive its data with checksums, stop it, take
    it off its front end (playbooks/retire.yml); refused for any other decision. It runs once a second person
    approves it (govmig approvals approve ID --by NAME)."""
    _ask_second_person(_site(db, check=True), tree, "retire", RETIRE_RECORD, system, by, fmt)


@click.command("confirm")
@click.argument("wave")
@click.argument("system", metavar="DEPT/ID")
@click.option("--note", required=True, help="做了什么、谁核对的 What was done and who checked it")
@TREE
@DB
@FORMAT
def confirm_command(wave: str, system: str, note: str, tree: Path, db: str | None, fmt: str) -> None:
    """确认检查点已完成 Confirm a checkpoint (a manual database move, an offline transfer) so the wave goes on."""
    store = _site(db).store
    if store.wave(wave) is None or system not in {s.system for s in store.systems(wave)}:
        fail(f"批次 {wave} 中没有运行过系统 {system}", f"wave {wave} has no run of system {system}")
    _executor(store, tree, GatePolicy()).confirm(wave, system, note)
    if fmt == "json":
        emit_json({"wave": wave, "system": system, "confirmed": True})
    else:
        console().print(f"已确认 confirmed: {wave} {system}（govmig resume {wave} 继续 to go on）")
