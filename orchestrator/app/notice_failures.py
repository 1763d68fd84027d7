"""The notices that did not go (issue 40: "a failed delivery retried with a bound and visible on the page"): each
notice being retried or given up, with the event, the wave, the system and its name, to whom (a webhook by its name,
never its address, which may carry the gateway's token; a mail address as it is), the tries against the bound, the
last error in words (Chinese and English), when it was last tried and when it is tried next. Read by
`govmig notifications list`, `GET /api/notifications` and the ops console's notifications page; a given-up notice
may be queued again (`retry`, audited `notice.retry`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from ..contracts import NoticeStatus
from ..store import Engine, NoticeRow, Notices
from .money import plan_names

if TYPE_CHECKING:
    from .site import Site

Wanted = Literal["failing", "retrying", "given_up"]
NOTICES_WANTED: tuple[str, ...] = get_args(Wanted)
"""What may be asked for: both kinds of failing notices, or one."""
EVENT_ZH = {
    "wave_started": "批次开始",
    "task_waiting": "等待人工任务",
    "approval_waiting": "等待第二人审批",
    "system_failed": "系统失败",
    "rollback_started": "开始回退",
    "wave_done": "批次结束",
    "acceptance_requested": "请求验收",
    "preflight_failed": "预检未通过",
    "verification_drift": "数据漂移",
}
EVENT_EN = {
    "wave_started": "wave started",
    "task_waiting": "manual task waiting",
    "approval_waiting": "approval waiting",
    "system_failed": "system failed",
    "rollback_started": "rollback started",
    "wave_done": "wave done",
    "acceptance_requested": "acceptance requested",
    "preflight_failed": "preflight failed",
    "verification_drift": "verification drift",
}
ADDRESS = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
"""Any address in an error's words: hidden (a webhook's URL may hold its gateway's token)."""
HIDDEN = "‹地址已隐去 address hidden›"


class NoticeRefused(Exception):
    """A retry asked of a notice that is not given up (none such, sent, or still being tried)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _words(error: str | None) -> dict[str, str]:
    """The stored "zh / en" of the last failed try, apart, without any address."""
    text = ADDRESS.sub(HIDDEN, error or "")
    zh, sep, en = text.partition(" / ")
    return {"zh": zh.strip(), "en": (en if sep else zh).strip()}


def _recipient(recipient: str) -> dict[str, str]:
    kind, _, name = recipient.partition(":")
    return {"kind": "mail" if kind == "mail" else "webhook", "name": name}


def _row(n: NoticeRow, names: dict[str, str]) -> dict[str, Any]:
    system = n.payload.get("system")
    given_up = n.status == NoticeStatus.failed
    tried = n.tried_at
    return {
        "id": n.id,
        "event": n.event,
        "event_zh": EVENT_ZH.get(n.event, n.event),
        "event_en": EVENT_EN.get(n.event, n.event.replace("_", " ")),
        "wave": n.payload.get("wave"),
        "system": system,
        "system_name": names.get(system) if isinstance(system, str) else None,
        "zh": n.payload.get("zh"),
        "en": n.payload.get("en"),
        "at": n.payload.get("at"),
        "recipient": _recipient(n.recipient),
        "status": "given_up" if given_up else "retrying",
        "attempts": n.attempts,
        "max_attempts": Notices.max_attempts,
        "error": _words(n.error),
        "last_try": tried.isoformat() if tried else None,
        "next_try": None if given_up else n.due_at.isoformat(),
    }


@dataclass(frozen=True)
class FailingNotices:
    """The notices being retried and those given up, the newest first (at most a limit: `shown` of them), and
    how many there are of each kind in all."""

    notices: list[dict[str, Any]]
    retrying: int
    given_up: int

    def document(self) -> dict[str, Any]:
        return {
            "retrying": self.retrying,
            "given_up": self.given_up,
            "max_attempts": Notices.max_attempts,
            "shown": len(self.notices),
            "notices": self.notices,
        }


def failing_notices(
    engine: Engine, names: dict[str, str], wanted: str = "failing", limit: int = 200
) -> FailingNotices:
    """The notices `wanted` (failing: retrying and given up), the newest `limit` of them, newest first, and how
    many there are of each kind in all."""
    if wanted not in NOTICES_WANTED:
        raise ValueError(wanted)
    book = Notices(engine)
    rows: list[NoticeRow] = []
    retrying = given_up = 0
    if wanted in ("failing", "retrying"):
        rows += book.list(NoticeStatus.queued, limit, tried=True)
        retrying = book.count(NoticeStatus.queued, tried=True)
    if wanted in ("failing", "given_up"):
        rows += book.list(NoticeStatus.failed, limit)
        given_up = book.count(NoticeStatus.failed)
    rows.sort(key=lambda n: n.id, reverse=True)
    return FailingNotices([_row(n, names) for n in rows[:limit]], retrying, given_up)


def retry_notice(engine: Engine, notice: int, actor: str) -> None:
    """Queues a given-up notice again now (tries counted afresh; audited `notice.retry`); NoticeRefused when it
    is not given up."""
    if not Notices(engine).retry(notice, actor):
        raise NoticeRefused(
            f"通知 {notice} 不是已放弃的通知（不存在、已送达或仍在重试）",
            f"notice {notice} is not given up (no such notice, sent, or still being tried)",
        )


class NoticeDesk:
    """The failing notices of a site, with its systems' names (the plans in force)."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def failing(self, wanted: str = "failing") -> FailingNotices:
        return failing_notices(self.site.engine, plan_names(self.site.plans.view().plans), wanted)

    def retry(self, notice: int, actor: str) -> None:
        retry_notice(self.site.engine, notice, actor)
