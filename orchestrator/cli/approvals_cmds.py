"""`govmig approvals list|approve|reject`: the second person for what cannot be undone (shared/DOMAIN.md v1.2).

`govmig decommission`, `govmig retire` and `govmig rollback --discard-target-writes` only ask; another person
approves here (never the asker: refused, exit 1, audited), and the approval runs in the foreground exactly what
the command ran before it asked: the executor's own decommission, retirement or rollback, on the tree it was
asked for. An ask approved in the web is queued for a worker instead.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..app import (
    ApprovalRefused,
    Approvals,
    Asked,
    ExecuteError,
    KeyFailure,
    Outcome,
    Site,
    WaveExecutor,
    resume_after_task,
)
from ..contracts import ApprovalStatus, JobKind
from .execute_cmds import one_system
from .options import DB, site
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail

BY = click.option(
    "--by",
    required=True,
    help="审批人：运维或监管账户，不能是提出人 Who decides: an ops or supervisor account, not the asker",
)
OTP = click.option(
    "--otp",
    required=True,
    help="审批人当前的动态口令，证明第二人在场 The decider's current TOTP code: proves the second person is there",
)
COMMENT = click.option("--comment", default="", help="意见 Comment")
TICKET = click.option(
    "--ticket",
    default=None,
    help="变更单号，批准切换放行时必填（如 CHG-2026-0412）The change ticket's reference: required to approve a "
    "cutover's go (e.g. CHG-2026-0412)",
)
DECIDERS = ("ops", "supervisor")
CUTOVER_GO = "cutover_go"


def _second_person(here: Site, approvals: Approvals, id_: int, by: str, otp: str) -> None:
    """The one who decides is an enabled ops or supervisor account and proves it with their current TOTP code
    (used once), so the asker cannot decide their own ask by typing another name."""
    if approvals.get(id_) is None:
        fail(f"没有 {id_} 号审批", f"no approval #{id_}")
    user = here.accounts.book.user(by)
    if user is None or user.role not in DECIDERS:
        fail(
            f"审批人「{by}」不是启用的运维或监管账户",
            f"'{by}' is not an enabled ops or supervisor account",
            FAILED,
        )
        return
    try:
        proved = here.accounts.factors.accept(user.id, otp)
    except KeyFailure as exc:
        fail(exc.zh, exc.en, FAILED)
        return
    if not proved:
        fail(
            f"「{by}」的动态口令不对或已用过：审批须由本人输入当前口令",
            f"wrong or already used TOTP code for '{by}': the decider types their own current code",
            FAILED,
        )


def _approvals(db: str | None) -> tuple[Site, Approvals]:
    here = site(db, True)
    return here, here.accounts.approvals


def _go_decided(here: Site, decided: Asked, fmt: str) -> None:
    """A cutover's go or no-go takes effect at the wave's next resume: queued where workers run the wave, else
    the answer says `govmig resume` is needed. Exit 0."""
    tree = Path(str(decided.options.get("tree", "out/render")))
    resumed = resume_after_task(here, tree, decided.wave)
    go = decided.status == ApprovalStatus.approved
    zh = f"{decided.system} {'放行，下次继续时切换' if go else '不放行（no-go），下次继续时回退，源系统恢复服务'}"
    en = (
        f"{decided.system}: go, cut over at the wave's next resume"
        if go
        else f"{decided.system}: no-go, rolled back at the wave's next resume (its source serves again)"
    )
    if fmt == "json":
        job = resumed.job.id if resumed.job else None
        emit_json(decided.as_json() | {"resume": {"job": job, "zh": resumed.zh, "en": resumed.en}})
    else:
        if decided.ticket:
            zh, en = f"{zh}（变更单 {decided.ticket}）", f"{en} (change ticket {decided.ticket})"
        console().print(f"{zh}\n{en}\n{resumed.zh}\n{resumed.en}")
    raise SystemExit(OK)


def _refused(exc: ApprovalRefused) -> None:
    at = f"--{exc.field}：" if exc.field else ""
    fail(at + exc.zh, at + exc.en, BAD_INPUT if exc.status in (400, 404, 422) else FAILED)


def _ticket_first(approvals: Approvals, id_: int, decision: str, ticket: str | None) -> None:
    """A missing or malformed change ticket is bad input (exit 2), said before the decider's code is spent."""
    try:
        approvals.ticket_for(id_, decision, ticket)
    except ApprovalRefused as exc:
        _refused(exc)


def _decide(
    approvals: Approvals, id_: int, decision: str, by: str, comment: str, ticket: str | None = None
) -> Asked:
    try:
        return approvals.settle(id_, decision, by, comment, ticket)
    except ApprovalRefused as exc:
        _refused(exc)
        raise


@click.group("approvals")
def approvals_group() -> None:
    """双人审批 What waits for a second person: decommission, retire, a rollback that discards the target's writes,
    and a cutover's go/no-go where the site asks for one."""


@approvals_group.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "approved", "rejected", "refused"]),
    default=None,
    help="只看此状态 Only this status",
)
@DB
@FORMAT
def list_command(status: str | None, db: str | None, fmt: str) -> None:
    """列出审批 The asks, oldest first."""
    _, approvals = _approvals(db)
    asks = approvals.list(status)
    if fmt == "json":
        emit_json([a.as_json() for a in asks])
        return
    table = Table(title="双人审批 Approvals")
    for name in (
        "编号 ID",
        "操作 Kind",
        "系统 System",
        "批次 Wave",
        "提出 Asked by",
        "状态 Status",
        "审批 Decided by",
        "变更单 Ticket",
    ):
        table.add_column(name, overflow="fold")
    for a in asks:
        table.add_row(
            str(a.id),
            a.kind,
            a.system,
            a.wave,
            f"{a.asked_by} {a.asked_at:%Y-%m-%d %H:%M}",
            a.status,
            a.decided_by or "",
            a.ticket or "",
        )
    console().print(table)


@approvals_group.command("reject")
@click.argument("id_", metavar="ID", type=click.IntRange(1, 2**31 - 1))
@BY
@OTP
@COMMENT
@TICKET
@DB
@FORMAT
def reject_command(
    id_: int, by: str, otp: str, comment: str, ticket: str | None, db: str | None, fmt: str
) -> None:
    """驳回 Reject an ask: nothing runs."""
    here, approvals = _approvals(db)
    _ticket_first(approvals, id_, "reject", ticket)
    _second_person(here, approvals, id_, by, otp)
    decided = _decide(approvals, id_, "reject", by, comment, ticket)
    if decided.kind == CUTOVER_GO:
        _go_decided(here, decided, fmt)
    if fmt == "json":
        emit_json(decided.as_json())
    else:
        console().print(f"已驳回 rejected: {decided.id} 号 {decided.kind} {decided.system}")
    raise SystemExit(OK)


@approvals_group.command("approve")
@click.argument("id_", metavar="ID", type=click.IntRange(1, 2**31 - 1))
@BY
@OTP
@COMMENT
@TICKET
@DB
@FORMAT
def approve_command(
    id_: int, by: str, otp: str, comment: str, ticket: str | None, db: str | None, fmt: str
) -> None:
    """批准并执行 Approve an ask and carry it out now, in the foreground: exit 0 when it ended as asked."""
    here, approvals = _approvals(db)
    _ticket_first(approvals, id_, "approve", ticket)
    _second_person(here, approvals, id_, by, otp)
    decided = _decide(approvals, id_, "approve", by, comment, ticket)
    if decided.kind == CUTOVER_GO:
        _go_decided(here, decided, fmt)
    if fmt != "json":
        console(stderr=True).print(
            f"已批准 approved: {decided.id} 号 {decided.kind} {decided.system}（{decided.asked_by} 提出 asked）"
        )
    tree = Path(str(decided.options.get("tree", "out/render")))
    observation = float(decided.options.get("observation_days", 0) or 0)
    system, wave = decided.system, decided.wave

    def act(ex: WaveExecutor) -> Outcome:
        if decided.kind == JobKind.decommission:
            return ex.decommission(wave, system)
        if decided.kind == JobKind.retire:
            return ex.retire(system)
        return ex.rollback(wave, system, discard_target_writes=True)

    def refused(exc: ExecuteError) -> None:
        approvals.refused(decided.id, by, exc.en)

    success = {"decommission": "decommissioned", "retire": "retired"}.get(decided.kind, "rolled_back")
    one_system(here, tree, wave, act, fmt, success, decided.asked_by, refused, observation)
