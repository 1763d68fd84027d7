"""What a second person decides, once: an ask (an irreversible operation, a cutover's go) or a department's resources
request is approved or turned down by someone other than who asked, whose account is still in post when it is
approved, and by one person only: the decision is a compare-and-swap on the pending row, audited either way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, select, update

from .repo import Store
from .schema import User


class Refused(Exception):
    """A decision that cannot be made: its reason in Chinese and English and the HTTP status it means."""

    def __init__(self, status: int, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.status, self.zh, self.en = status, zh, en


class Pending(Protocol):
    @property
    def asked_by(self) -> str: ...
    @property
    def system(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def decided_by(self) -> str | None: ...


@dataclass(frozen=True)
class Kind:
    """What is decided: its words (`zh`, `en`), its audit actions' prefix, its table (with `id` and `status`), the
    status a row waits in, and how a refusal is raised."""

    zh: str
    en: str
    audit: str
    table: Any
    pending: str
    refused: Callable[[int, str, str], Refused]


def asker_disabled(engine: Engine, username: str) -> bool:
    """Whether the asker holds an account that has since been disabled (an ask outlives no one's duty: a person
    who left, or whose account was shut for cause, cannot have what they asked carried out)."""
    with engine.connect() as conn:
        return bool(conn.scalar(select(User.disabled).where(User.username == username)))


def decide_once(
    kind: Kind,
    engine: Engine,
    log: Store,
    id_: int,
    found: Pending | None,
    decision: str,
    by: str,
    values: Mapping[str, Any],
    reread: Callable[[], Pending | None],
    note: str = "",
) -> None:
    """Sets `values` (the new status, who, when, the comment) on the pending row `id_`, refusing (kind.refused):
    no such row (404), the asker deciding (403, audited `PREFIX.self`), an approval whose asker's account is
    disabled since (409, audited `PREFIX.disabled_asker`; turning it down stays possible), a row decided already
    (409). The decision is audited `PREFIX.DECISION` with `note`."""
    if found is None:
        raise kind.refused(404, f"没有 {id_} 号{kind.zh}", f"no {kind.en} #{id_}")
    if found.asked_by == by:
        log.audit(by, f"{kind.audit}.self", found.system, "refused", f"#{id_} {decision}")
        raise kind.refused(
            403,
            f"不能决定自己提出的{kind.zh}：须由另一人决定",
            f"you cannot decide your own {kind.en}: a second person must",
        )
    if decision == "approve" and asker_disabled(engine, found.asked_by):
        log.audit(by, f"{kind.audit}.disabled_asker", found.system, "refused", f"#{id_} {found.asked_by}")
        raise kind.refused(
            409,
            f"提出者 {found.asked_by} 的账号已停用：不能批准其提出的{kind.zh}，请驳回后由在职人员重新提出",
            f"the asker {found.asked_by}'s account is disabled: their {kind.en} cannot be approved; turn it "
            "down, and let someone in post ask again",
        )
    table = kind.table
    with engine.begin() as conn:
        changed = conn.execute(
            update(table).where(table.id == id_, table.status == kind.pending).values(**values)
        ).rowcount
    if not changed:
        now = reread() or found
        raise kind.refused(
            409,
            f"{id_} 号{kind.zh}已由 {now.decided_by or '他人'} 决定（{now.status}）",
            f"{kind.en} #{id_} was decided already ({now.status}, by {now.decided_by or 'someone'})",
        )
    log.audit(by, f"{kind.audit}.{decision}", found.system, str(values["status"]), f"#{id_} {note}"[:2000])
