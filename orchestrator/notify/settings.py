"""A site's notifications (`--notifications notifications.yaml`, shared/DOMAIN.md v1.2): the mail relay, the
named webhooks, each department's own contacts, and who is told of which events.

```yaml
smtp: {host: mail.example.gov.cn, port: 25, from: govmig@example.gov.cn}
webhooks: {ops-im: "https://im-gateway.example.gov.cn/hook/ops"}
contacts: {"630000-T": ["mail:clerk@t.example.gov.cn"]}          # each department's own (for `to: [department]`)
subscribe:
  - {events: [task_waiting, approval_waiting, system_failed, wave_done], to: [ops-im, "mail:ops@example.gov.cn"]}
  - {events: [acceptance_requested], departments: all, to: [department]}
```
A recipient is a webhook's name, `mail:ADDRESS`, or `department` (the contacts of the department the event is
about). Every name is checked when the file is read, so a typo is a located error, not a notice lost at night.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

EventName = Literal[
    "wave_started",
    "task_waiting",
    "approval_waiting",
    "system_failed",
    "rollback_started",
    "wave_done",
    "acceptance_requested",
    "preflight_failed",
    "verification_drift",
]
EVENTS: tuple[str, ...] = get_args(EventName)
"""The events of shared/DOMAIN.md v1.2, in its order."""
MAIL = re.compile(r"^mail:[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


def _said(zh: str, en: str) -> PydanticCustomError:
    """A check's refusal in both languages (plan/messages.py shows the two as they are, located)."""
    return PydanticCustomError("recipient", "{en}", {"zh": zh, "en": en})


class Smtp(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    host: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9.:\[\]-]+$")]
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    sender: Annotated[str, Field(alias="from", min_length=3, max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")]
    starttls: bool = False
    timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 10


class Subscription(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: Annotated[list[EventName], Field(min_length=1)]
    to: Annotated[list[Annotated[str, Field(min_length=1, max_length=320)]], Field(min_length=1)]
    departments: Literal["all"] | list[Annotated[str, Field(min_length=1, max_length=64)]] = "all"

    def covers(self, event: str, departments: frozenset[str]) -> frozenset[str] | None:
        """The departments this subscription hears `event` for (of those it is about), or None when it does
        not want it at all. An event of no department (empty) is heard by a subscription to all departments."""
        if event not in self.events:
            return None
        if self.departments == "all":
            return departments
        chosen = departments & set(self.departments)
        return chosen or None


class NotificationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    smtp: Smtp | None = None
    webhooks: dict[Annotated[str, Field(pattern=NAME)], AnyHttpUrl] = {}
    contacts: dict[Annotated[str, Field(min_length=1, max_length=64)], list[str]] = {}
    subscribe: list[Subscription] = []
    webhook_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5

    @field_validator("contacts", "subscribe", mode="after")
    @classmethod
    def _recipients_known(cls, value: Any, info: ValidationInfo) -> Any:
        """Every recipient names a webhook of this file, a mail address (then `smtp` is needed) or, in a
        subscription, `department`."""
        webhooks, smtp = info.data.get("webhooks") or {}, info.data.get("smtp")
        if info.field_name == "contacts":
            listed = [(f"contacts.{dept}", r) for dept, rs in value.items() for r in rs]
        else:
            listed = [
                (f"subscribe[{i}].to", r) for i, sub in enumerate(value) for r in sub.to if r != "department"
            ]
        for where, recipient in listed:
            if recipient.startswith("mail:"):
                if not MAIL.match(recipient):
                    raise _said(
                        f"{where} 邮件地址无效：{recipient[:80]}",
                        f"{where}: not a mail address: {recipient[:80]}",
                    )
                if smtp is None:
                    raise _said(
                        f"{where} 要发邮件，须先配置 smtp", f"{where} sends mail: the smtp section is needed"
                    )
            elif recipient not in webhooks:
                raise _said(
                    f"{where} 中的接收方 {recipient[:80]} 未知（应为 webhooks 中的名称、mail:地址或 department）",
                    f"{where} names an unknown recipient {recipient[:80]} "
                    "(a name under webhooks, mail:ADDRESS or department)",
                )
        return value
