"""Options several commands share: the rendered tree and the store, and opening the store with a plain error."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from pydantic import BaseModel

from ..app import (
    Engine,
    GatePolicy,
    Nodes,
    NotificationSettings,
    Site,
    SiteConfig,
    StoreDamaged,
    describe_failure,
    load_model,
    notifying,
)
from .output import BAD_INPUT, FAILED, console, fail, problems_table

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])

TREE = click.option(
    "--tree",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out/render"),
    show_default=True,
    help="govmig render 的输出 The rendered tree",
)
DB = click.option(
    "--db",
    envvar="GOVMIG_DB",
    default=None,
    help="状态库 Store URL (default sqlite:///govmig.db; postgresql+psycopg://... for PostgreSQL)",
)


def _nodes(ctx: click.Context, param: click.Parameter, path: Path | None) -> Nodes | None:
    """The execution nodes file, validated and located like every settings file; None: all runs here."""
    return None if path is None else model_or_exit(path, Nodes, "执行节点文件有误 The nodes file is invalid")


NODES = click.option(
    "--nodes",
    "nodes",
    envvar="GOVMIG_NODES",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    callback=_nodes,
    help="执行节点文件：各区域的剧本在其区域内的节点上执行（与执行时相同）Execution nodes file: a zone's playbooks "
    "run on its node (govmig_execution_node in the inventory), as the run uses",
)
"""`--nodes FILE`, handed to the command as the validated `Nodes` (or None)."""


def rendered_tree(tree: Path) -> Path:
    """The tree a command reads, or exit 2 when there is none."""
    if not tree.is_dir():
        fail(f"渲染目录不存在：{tree.name}", f"no rendered tree at {tree.name}", status=BAD_INPUT)
    return tree


OBSERVATION = click.option(
    "--observation-days",
    envvar="GOVMIG_OBSERVATION_DAYS",
    type=click.FloatRange(0, 365),
    default=0,
    show_default=True,
    help="验收后源系统至少保留的天数（观察期）Days the source is kept after the department's acceptance "
    "(the site's observation period; also GOVMIG_OBSERVATION_DAYS)",
)

GATE_OPTIONS = [
    OBSERVATION,
    click.option(
        "--kubeconfig",
        envvar="KUBECONFIG",
        default=None,
        help="集群配置；没有时清单写入 gitops/ Cluster config; without one manifests go to TREE/gitops",
    ),
    click.option("--concurrency", default=2, show_default=True, help="同时迁移的系统数 Systems at once"),
    click.option(
        "--failure-budget",
        default=1,
        show_default=True,
        help="失败几个后暂停 Failures before the wave pauses",
    ),
    click.option(
        "--hold", default=30.0, show_default=True, help="切换前健康检查需持续的秒数 Health gate (s); 0 = off"
    ),
    click.option(
        "--gate-timeout",
        default=120.0,
        show_default=True,
        help="健康检查最长等待秒数 How long the health gate waits for the hold (s)",
    ),
    NODES,
    click.option(
        "--notifications",
        "notifications_file",
        envvar="GOVMIG_NOTIFICATIONS",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        default=None,
        help="通知配置：邮件与 webhook，谁接收哪些事件 Notifications (mail, webhooks, who hears which events)",
    ),
    click.option(
        "--cutover-go",
        envvar="GOVMIG_CUTOVER_GO",
        is_flag=True,
        default=False,
        help="每个系统切换前须另一人放行（govmig approvals approve|reject）Each system's cutover waits for a "
        "second person's go (govmig approvals approve|reject); also GOVMIG_CUTOVER_GO",
    ),
    click.option(
        "--preflight-max-age-hours",
        envvar="GOVMIG_PREFLIGHT_MAX_AGE_HOURS",
        type=click.FloatRange(min=1, max=24 * 30),
        default=72.0,
        show_default=True,
        help="真实执行须有同一渲染目录上、不早于此时长的通过预检（小时）A real run starts a wave only after a "
        "ready preflight of the same tree younger than this (hours; also GOVMIG_PREFLIGHT_MAX_AGE_HOURS)",
    ),
    click.option(
        "--prober",
        envvar="GOVMIG_PROBER",
        default=None,
        help="预检时询问目标健康检查地址的 blackbox exporter（默认取渲染的 Probe 中的地址）The blackbox exporter a "
        "preflight asks each target's health URL of (default: the one each rendered Probe names)",
    ),
    click.option(
        "--prometheus",
        envvar="GOVMIG_PROMETHEUS",
        default=None,
        help="切换前还需监控确认探测持续成功 Also ask Prometheus: the probe held for --hold seconds",
    ),
]


def gate_options(fn: F) -> F:
    """The gate policy's options, handed to the command as one `gates: GatePolicy` (run, resume and serve take
    the same ones, so a wave started from the web passes exactly the checks of one started here)."""

    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> Any:
        kwargs["gates"] = GatePolicy(
            hold_seconds=kwargs.pop("hold"),
            gate_timeout=kwargs.pop("gate_timeout"),
            prometheus=kwargs.pop("prometheus"),
            kubeconfig=kwargs.pop("kubeconfig"),
            concurrency=kwargs.pop("concurrency"),
            failure_budget=kwargs.pop("failure_budget"),
            observation_days=kwargs.pop("observation_days"),
            nodes=kwargs.pop("nodes"),
            preflight_max_age_hours=kwargs.pop("preflight_max_age_hours"),
            prober=kwargs.pop("prober"),
            cutover_go=kwargs.pop("cutover_go"),
        )
        told = kwargs.pop("notifications_file")
        settings = (
            None
            if told is None
            else model_or_exit(told, NotificationSettings, "通知配置有误 The notifications file is invalid")
        )
        with notifying(kwargs.get("db"), settings):
            return fn(*args, **kwargs)

    wrapped: Any = command
    for option in reversed(GATE_OPTIONS):
        wrapped = option(wrapped)
    return cast(F, wrapped)


def site(db: str | None, check: bool = False, **settings: Any) -> Site:
    """The site over the store `db` (the rest of its configuration from `settings`, SiteConfig's fields); with
    `check`, SQLite's quick check first (before a wave starts or resumes)."""
    try:
        return Site(SiteConfig(store=db, check=check, **settings))
    except StoreDamaged as damage:
        fail(
            f"状态库完整性检查未通过（{damage.problem}）：请从备份恢复后再运行",
            f"the store failed its integrity check ({damage.problem}): restore it from a backup before running",
            status=FAILED,
        )
    except Exception as exc:
        said = describe_failure(exc)
        if said is not None:  # locked, full, corrupt, unreachable: a failure, exit 1
            fail(*said, status=FAILED)
        fail(f"无法打开状态库：{exc}", f"cannot open the store: {exc}")  # a bad URL: bad input, exit 2
    raise SystemExit(FAILED)  # unreachable: fail() exits


def engine(db: str | None, check: bool = False) -> Engine:
    """The store for `db`; with `check`, SQLite's quick check first (before a wave starts or resumes)."""
    return site(db, check).engine


def model_or_exit(path: Path | None, model: type[M], title: str) -> M:
    """A settings file as `model`, its defaults when no file is given; any problem is bad input, located."""
    if path is None:
        return model()
    loaded, problems = load_model(path, model)
    if loaded is None or any(p.severity == "error" for p in problems):
        console(stderr=True).print(problems_table(problems, title))
        raise SystemExit(BAD_INPUT)
    return loaded


def write_files(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Each file written whole or not at all (a temporary beside it, then renamed)."""
    written = []
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written
