"""`govmig notifications list [--status failing|retrying|given_up]`: the notices that did not go, each with its
event, wave, system, recipient (a webhook by its name), tries against the bound, last error in words and next try.
Exit 0 when none is given up (nothing failing, or only retrying), 1 when some notice was given up, 2 on bad input.
`govmig notifications retry ID`: a given-up notice queued again (audited)."""

from __future__ import annotations

import getpass

import click
from rich.markup import escape
from rich.table import Table

from ..app import NOTICES_WANTED, NoticeDesk, NoticeRefused
from .options import DB, site
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail

STATUS = {"retrying": "[yellow]重试中 retrying[/]", "given_up": "[red]已放弃 given up[/]"}


@click.group("notifications")
def notices_group() -> None:
    """通知：未送达的通知与重试 Notifications: deliveries that failed, retried or given up."""


@notices_group.command("list")
@click.option(
    "--status",
    "wanted",
    type=click.Choice(NOTICES_WANTED),
    default="failing",
    show_default=True,
    help="failing 重试中与已放弃 retrying and given up; retrying 重试中; given_up 已放弃",
)
@DB
@FORMAT
def list_command(wanted: str, db: str | None, fmt: str) -> None:
    """列出未送达的通知 List the notices that did not go (exit 1 when some were given up)."""
    found = NoticeDesk(site(db)).failing(wanted)
    if fmt == "json":
        emit_json(found.document())
    else:
        table = Table(
            title=f"未送达的通知 Notices not delivered：重试中 retrying {found.retrying}，"
            f"已放弃 given up {found.given_up}（最多 at most {found.document()['max_attempts']} 次 tries）"
            + (
                f"；仅列出最新 {len(found.notices)} 条 only the newest {len(found.notices)} listed"
                if len(found.notices) < found.retrying + found.given_up
                else ""
            )
        )
        for column in (
            "#",
            "事件 event",
            "批次 wave",
            "系统 system",
            "接收方 to",
            "状态 status",
            "次数 tries",
        ):
            table.add_column(column, overflow="fold")
        table.add_column("最近错误 last error", overflow="fold", max_width=60)
        table.add_column("下次 next (UTC)", overflow="fold")
        for n in found.notices:
            system = n["system"] or "-"
            if n["system_name"]:
                system = f"{n['system_name']} {system}"
            to = n["recipient"]
            table.add_row(  # all but the status as text: an error's words are a gateway's or a relay's own
                str(n["id"]),
                escape(f"{n['event_zh']} {n['event_en']}"),
                escape(str(n["wave"] or "-")),
                escape(system),
                escape(f"{'邮件 mail' if to['kind'] == 'mail' else 'webhook'} {to['name']}"),
                STATUS[n["status"]],
                f"{n['attempts']}/{n['max_attempts']}",
                escape(f"{n['error']['zh']}\n{n['error']['en']}"),
                (n["next_try"] or "-")[:19],
            )
        console().print(table)
    raise SystemExit(FAILED if found.given_up else OK)


@notices_group.command("retry")
@click.argument("notice", type=click.IntRange(min=1))
@click.option("--by", default=None, help="操作人（默认当前用户）Who asks (default: this user)")
@DB
@FORMAT
def retry_command(notice: int, by: str | None, db: str | None, fmt: str) -> None:
    """已放弃的通知重新发送 Queue a given-up notice again (its tries counted afresh)."""
    try:
        NoticeDesk(site(db)).retry(notice, by or getpass.getuser())
    except NoticeRefused as refused:
        fail(refused.zh, refused.en, status=BAD_INPUT)
        raise
    if fmt == "json":
        emit_json({"notice": notice, "status": "queued"})
    else:
        console().print(f"已重新排队 queued again: 通知 notice {notice}")
