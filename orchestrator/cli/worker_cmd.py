"""`govmig worker`: carries out the runs the web and `govmig run --queue` put on the store's queue.

Start one or more beside the web replicas, on machines that can reach the control side of every zone (or its
execution node). SIGTERM or Ctrl-C: the running job pauses after its running steps and the worker stops; the
job is then claimed again by a worker and resumed.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from types import FrameType

import click

from ..app import GatePolicy, Job, RunGuard, Store, WaveExecutor, Worker, build_executor, default_verifier
from .options import DB, TREE, engine, gate_options
from .output import FORMAT, OK, console

STATUS_ZH = {"done": "完成", "failed": "失败", "refused": "拒绝", "queued": "重新排队", "cancelled": "取消"}


def _line(job: Job, fmt: str) -> None:
    if fmt == "json":
        doc = {
            "job": job.id,
            "record": job.record,
            "kind": job.kind,
            "system": job.system,
            "actor": job.actor,
            "status": job.status,
            "claims": job.claims,
            "detail": job.detail,
        }
        print(json.dumps(doc, ensure_ascii=False), flush=True)
    else:
        what = f"{job.kind} {job.record}"
        console().print(
            f"{STATUS_ZH.get(job.status, job.status)} {job.status}: {what}（{job.actor}）{job.detail or ''}"
        )


@click.command("worker")
@TREE
@DB
@gate_options
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="完成这么多个任务后退出 Stop after N jobs"
)
@click.option(
    "--poll",
    type=click.FloatRange(min=0.05, max=60),
    default=1.0,
    show_default=True,
    help="空闲时轮询间隔（秒）Poll interval when idle (s)",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(min=0.05, max=60),
    default=5.0,
    show_default=True,
    help="心跳间隔（秒）Heartbeat (s)",
)
@click.option(
    "--stale-after",
    type=click.FloatRange(min=0.5, max=3600),
    default=30.0,
    show_default=True,
    help="心跳停止多久后由其他执行器接管（秒）A job is taken over after its worker is silent this long (s)",
)
@click.option(
    "--store-outage",
    type=click.FloatRange(min=1, max=3600),
    default=60.0,
    show_default=True,
    help="状态库中断超过此时长运行即暂停、恢复后自动继续（秒）A run pauses after its store is gone this long (s)",
)
@click.option(
    "--window-stale-after",
    type=click.FloatRange(min=0.5, max=3600),
    default=10.0,
    show_default=True,
    help="窗口期内心跳停止多久后被接管（秒）In the window a silent holder is taken over after (s)",
)
@click.option(
    "--verify-every",
    "verify_every",
    envvar="GOVMIG_VERIFY_EVERY_HOURS",
    type=click.FloatRange(min=0.1, max=24 * 30),
    default=None,
    help="每隔此时长（小时）对处于热同步的批次执行一次 govmig verify（多个执行器时每批次每周期一次）Verify every "
    "warm wave this often (hours; once per wave and period across the workers; also GOVMIG_VERIFY_EVERY_HOURS)",
)
@click.option(
    "--verify-recheck-seconds",
    type=click.FloatRange(min=0, max=3600),
    default=60.0,
    show_default=True,
    help="定期校验发现不一致后等待复查的秒数 Seconds before a scheduled verify checks a difference again",
)
@FORMAT
def worker_command(
    tree: Path,
    db: str | None,
    gates: GatePolicy,
    jobs: int | None,
    poll: float,
    heartbeat: float,
    stale_after: float,
    store_outage: float,
    window_stale_after: float,
    verify_every: float | None,
    verify_recheck_seconds: float,
    fmt: str,
) -> None:
    """执行队列中的任务 Carry out queued runs (web and `govmig run --queue`) until stopped."""
    eng = engine(db, check=True)

    def executor(store: Store, path: Path, actor: str) -> WaveExecutor:
        guard = RunGuard(store_outage=store_outage, window_stale_after=window_stale_after)
        return build_executor(
            store, path, actor, gates, lease=(min(heartbeat, 5.0), stale_after), guard=guard
        )

    worker = Worker(
        eng,
        tree,
        executor,
        heartbeat=heartbeat,
        stale_after=stale_after,
        poll=poll,
        preflight_max_age_hours=gates.preflight_max_age_hours,
        verify_every_hours=verify_every,
        verify=default_verifier(verify_recheck_seconds, gates.nodes),
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()
        worker.pause_current()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    if fmt != "json":
        console().print(f"govmig 执行器 worker {worker.name}：{tree.resolve()}（Ctrl-C 停止 stop）")
        if verify_every is not None:
            console().print(
                f"热同步批次每 {verify_every:g} 小时校验一次 warm waves verified every {verify_every:g} h"
            )
    worker.on_finished = lambda job: _line(job, fmt)
    worker.serve(stop, jobs)
    raise SystemExit(OK)
