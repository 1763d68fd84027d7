"""`govmig resources request|list|approve|return|ledger`: requests to resize a system or to keep an idle one
(资源调整与回收, issue 41), decided by a supervisor who is not the asker.

An approved resize is carried by the next render of the portfolio in force (the web's render, or `govmig render
--db`), and the ledger lists each approved change with its effect on a month's fees at the price list. Exit 0 done,
1 refused (not allowed, decided already, Prometheus unreachable), 2 bad input (no such system or request, a wrong
size or month).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click
from rich.table import Table

from ..app import (
    MoneyFailure,
    Prices,
    RequestRefused,
    ResourceRequest,
    Resources,
    Sizes,
    ledger,
)
from .options import DB, model_or_exit, site, write_files
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail

BY = click.option("--by", required=True, help="账户名 The account asking or deciding")
PRICES = click.option(
    "--prices",
    "prices_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="价格表 Price list (prices.yaml): each approved change's effect on a month's fees",
)


def _resources(db: str | None) -> Resources:
    return site(db).resources


def _refused(exc: RequestRefused | MoneyFailure) -> NoReturn:
    if isinstance(exc, MoneyFailure):
        fail(exc.zh, exc.en, exc.status)
    else:
        fail(exc.zh, exc.en, BAD_INPUT if exc.status in (404, 422) else FAILED)
    raise SystemExit(FAILED)  # unreachable: fail() exits


def _said(r: ResourceRequest) -> str:
    to = r.sizes.get("to")
    what = f"→ {to['cpu']:g} vCPU / {to['memory_gib']:g} GiB" if to else f"（{r.reason}）"
    return f"{r.id} 号 #{r.id} {r.system} {r.kind} {what}"


@click.group("resources")
def resources_group() -> None:
    """资源调整与回收 Requests to resize a system or keep an idle one, and a supervisor's decision."""


@resources_group.command("request")
@click.argument("key", metavar="DEPT/ID")
@BY
@click.option(
    "--kind",
    type=click.Choice(["resize", "keep"]),
    default="resize",
    show_default=True,
    help="调整规格或保留闲置系统 Resize, or keep an idle system (with --reason)",
)
@click.option("--cpu", type=float, default=None, help="新的 vCPU（整个系统）New vCPU of the whole system")
@click.option("--memory-gib", type=float, default=None, help="新的内存 GiB New memory, GiB")
@click.option("--storage-gib", type=float, default=None, help="新的存储 GiB（默认不变）New storage, GiB")
@click.option("--reason", default="", help="理由 Reason (required to keep)")
@click.option(
    "--recommended",
    "month",
    metavar="YYYY-MM",
    default=None,
    help="按该月利用率报告的建议申请（需 --prometheus）Ask the utilization report's recommendation of that month",
)
@click.option("--prometheus", default=None, help="Prometheus URL (with --recommended)")
@DB
@FORMAT
def request_command(
    key: str,
    by: str,
    kind: str,
    cpu: float | None,
    memory_gib: float | None,
    storage_gib: float | None,
    reason: str,
    month: str | None,
    prometheus: str | None,
    db: str | None,
    fmt: str,
) -> None:
    """提出资源申请 Ask to resize a system (or to keep an idle one): a supervisor decides."""
    resources = _resources(db)
    try:
        if month is not None:
            if prometheus is None:
                fail("--recommended 需要 --prometheus", "--recommended needs --prometheus")
            asked = resources.ask_recommended(by, key, month, prometheus or "", reason)
        else:
            to = None
            if kind == "resize":
                if cpu is None or memory_gib is None:
                    fail("调整须给出 --cpu 和 --memory-gib", "a resize needs --cpu and --memory-gib")
                to = Sizes(cpu or 0.0, memory_gib or 0.0, storage_gib or 0.0)
            asked = resources.ask(by, key, kind, to, reason)
    except (RequestRefused, MoneyFailure) as exc:
        _refused(exc)
    if fmt == "json":
        emit_json(asked.as_json())
    else:
        console().print(f"已提交，等待监管审批 asked, waiting for a supervisor: {_said(asked)}")
    raise SystemExit(OK)


@resources_group.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "approved", "returned"]),
    default=None,
    help="只看此状态 Only this status",
)
@click.option("--department", default=None, help="只看此部门 Only this department")
@PRICES
@DB
@FORMAT
def list_command(
    status: str | None, department: str | None, prices_path: Path | None, db: str | None, fmt: str
) -> None:
    """列出资源申请 The requests, oldest first; approved ones with their effect on a month's fees."""
    prices = (
        model_or_exit(prices_path, Prices, "价格表有误 The price list is invalid") if prices_path else None
    )
    resources = _resources(db)
    effects = {c["id"]: c for c in resources.changes(prices)}
    rows: list[dict[str, Any]] = [
        effects.get(r.id, r.as_json()) for r in resources.listed(status, department)
    ]
    if fmt == "json":
        emit_json(rows)
        return
    table = Table(title="资源申请 Resources requests")
    for name in (
        "编号 ID",
        "系统 System",
        "类型 Kind",
        "申请 Asked by",
        "状态 Status",
        "审批 Decided by",
        "月费用影响 Effect",
    ):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["system"],
            f"{r['kind_zh']} {r['kind_en']}",
            r["asked_by"],
            r["status"],
            r["decided_by"] or "",
            r.get("monthly_effect", ""),
        )
    console().print(table)


def _decide(id_: int, decision: str, by: str, comment: str, db: str | None, fmt: str) -> None:
    try:
        decided = _resources(db).settle(id_, decision, by, comment)
    except RequestRefused as exc:
        _refused(exc)
    if fmt == "json":
        emit_json(decided.as_json())
    else:
        word = "已批准 approved" if decision == "approve" else "已退回 returned"
        console().print(f"{word}: {_said(decided)}")
    raise SystemExit(OK)


@resources_group.command("approve")
@click.argument("id_", metavar="ID", type=click.IntRange(1, 2**31 - 1))
@BY
@click.option("--comment", default="", help="意见 Comment")
@DB
@FORMAT
def approve_command(id_: int, by: str, comment: str, db: str | None, fmt: str) -> None:
    """批准 Approve a request (a supervisor, never the asker): render carries a resize, a keep stops reclaim."""
    _decide(id_, "approve", by, comment, db, fmt)


@resources_group.command("return")
@click.argument("id_", metavar="ID", type=click.IntRange(1, 2**31 - 1))
@BY
@click.option("--comment", required=True, help="退回意见 What the asker should change")
@DB
@FORMAT
def return_command(id_: int, by: str, comment: str, db: str | None, fmt: str) -> None:
    """退回 Return a request with a comment: nothing changes."""
    _decide(id_, "return", by, comment, db, fmt)


@resources_group.command("ledger")
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="台账文件 The ledger workbook (.xlsx)",
)
@PRICES
@DB
@FORMAT
def ledger_command(out: Path, prices_path: Path | None, db: str | None, fmt: str) -> None:
    """台账 The ledger of the plans in force, with a sheet of the approved resource changes and their effect on
    a month's fees."""
    prices = (
        model_or_exit(prices_path, Prices, "价格表有误 The price list is invalid") if prices_path else None
    )
    here = site(db)
    view = here.plans.view()
    changes = here.resources.changes(prices)
    try:
        write_files(
            out.parent, {out.name: ledger(view.portfolio, here.plans.lifecycles(view.decisions), changes)}
        )
    except OSError as exc:
        fail(f"无法写入 {out.name}（{exc.strerror}）", f"cannot write {out.name}: {exc.strerror}", FAILED)
    if fmt == "json":
        emit_json({"out": str(out), "changes": changes})
    else:
        console().print(f"已写入 Written: {out}（资源调整 {len(changes)} 项 resource changes）")
    raise SystemExit(OK)
