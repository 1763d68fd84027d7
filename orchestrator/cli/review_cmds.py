"""`govmig review list|approve|return`: a supervisor's review of departments' plan versions from the console.

The same store and the same rules as `POST /api/plans/{department}/versions/{version}/review`: the reviewer is a
supervisor's account (`--by`, checked here as the web checks its principal), a return needs its comment, and every
review is audited.
"""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from ..app import MAX_COMMENT, ReviewRefused
from .options import DB, site
from .output import BAD_INPUT, FAILED, FORMAT, console, emit_json, fail


@click.group("review")
def review_group() -> None:
    """审核部门计划 Review departments' plan versions (supervisors)."""


@review_group.command("list")
@click.option("--department", default=None, help="只看该部门 Only this department")
@click.option(
    "--all", "everything", is_flag=True, help="所有版本，不只是待审核的 Every version, not only waiting"
)
@DB
@FORMAT
def review_list(department: str | None, everything: bool, db: str | None, fmt: str) -> None:
    """列出待审核的版本 List the versions waiting for review (unreviewed or returned, newer than the one in force)."""
    rows = site(db).plans.versions(department, everything)
    if fmt == "json":
        emit_json(rows)
        return
    table = Table(
        title="待审核的计划版本 Plan versions waiting for review" if not everything else "计划版本 Versions"
    )
    for name in ("部门 Department", "版本 Version", "提交人 By", "时间 At", "状态 Status", "意见 Comment"):
        table.add_column(name, overflow="fold")
    for r in rows:
        review = r["review"]
        assert isinstance(review, dict)
        status = (
            "生效中 in force" if r["in_force"] else STATUS.get(str(review["status"]), str(review["status"]))
        )
        table.add_row(  # what people typed is shown as typed, never read as rich markup
            escape(str(r["department"])),
            f"v{r['version']}",
            escape(str(r["submitted_by"])),
            str(r["submitted_at"])[:16],
            status if r["valid"] else "无效 invalid",
            escape(str(review["comment"] or "")),
        )
    console().print(table if rows else "没有待审核的版本 nothing waits for review")


STATUS = {"pending": "待审核 pending", "approved": "已通过 approved", "returned": "已退回 returned"}


def _review(
    decision: str, department: str, version: int, comment: str, by: str, db: str | None, fmt: str
) -> None:
    plans = site(db).plans
    if not plans.is_supervisor(by):
        fail(
            f"「{by}」不是有效的监管用户：只有监管方可以审核",
            f"'{by}' is not an active supervisor's account: only supervisors review plans",
            BAD_INPUT,
        )
    try:
        done = plans.review(department, version, decision, comment, by)
    except ReviewRefused as refused:
        fail(refused.zh, refused.en, BAD_INPUT if refused.status in (404, 422) else FAILED)
        return
    if fmt == "json":
        emit_json({"department": department, "version": version, "review": done.as_json()})
    else:
        console().print(f"{department} v{version}：{STATUS[done.status]}")


BY = click.option("--by", required=True, help="审核人（监管用户名）The reviewing supervisor's username")


@review_group.command("approve")
@click.argument("department")
@click.argument("version", type=click.IntRange(1, 1_000_000))
@click.option("--comment", default="", help="审核意见 Comment")
@BY
@DB
@FORMAT
def review_approve(department: str, version: int, comment: str, by: str, db: str | None, fmt: str) -> None:
    """审核通过：该版本生效 Approve: the version comes into force (assessment, waves, render, runs)."""
    _review("approve", department, version, comment[:MAX_COMMENT], by, db, fmt)


@review_group.command("return")
@click.argument("department")
@click.argument("version", type=click.IntRange(1, 1_000_000))
@click.option("--comment", required=True, help="退回原因：需要改什么 What to fix")
@BY
@DB
@FORMAT
def review_return(department: str, version: int, comment: str, by: str, db: str | None, fmt: str) -> None:
    """退回并附意见：已通过的版本继续有效 Return with a comment; the approved version stays in force."""
    _review("return", department, version, comment[:MAX_COMMENT], by, db, fmt)
