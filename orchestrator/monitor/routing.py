"""Who hears which alert: an Alertmanager configuration with one route per department.

Each department's on-call hears its own systems' alerts and nothing else; the supervisors hear every alert
(their route matches all and continues); the monitoring's heartbeat (the watchdog) goes only to the dead man's
switch, every minute, so its silence there is the alarm. Receivers come from the site's settings, never from a
plan: a department's text cannot add a receiver or redirect another department's alerts.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..contracts import PIPELINE_DEPARTMENT, WATCHDOG_ALERT

Address = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]
Code = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")]


class Receiver(BaseModel):
    """Where one audience's alerts go: webhooks (an IM bot's gateway, a ticket system) and mail."""

    model_config = ConfigDict(extra="forbid")
    webhooks: list[Url] = Field(default_factory=list)
    emails: list[Address] = Field(default_factory=list)


class Smtp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    smarthost: Annotated[str, StringConstraints(pattern=r"^[^\s:]+:[0-9]{1,5}$")]
    sender: Address = Field(alias="from")
    require_tls: bool = True


class AlertRouting(BaseModel):
    """The site's alert routing (YAML): supervisors, each department's receiver, the dead man's switch."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    supervisors: Receiver
    departments: dict[Code, Receiver] = Field(default_factory=dict)
    watchdog: Receiver | None = None
    """The dead man's switch: it raises the alarm when the heartbeat stops arriving."""
    smtp: Smtp | None = None
    group_wait_seconds: Annotated[int, Field(ge=0, le=600)] = 30
    repeat_hours: Annotated[float, Field(gt=0, le=168)] = 4

    @model_validator(mode="after")
    def _mail_needs_smtp(self) -> AlertRouting:
        mail = self.supervisors.emails or any(r.emails for r in self.departments.values())
        if mail and self.smtp is None:
            raise ValueError("emails need smtp (smarthost, from) / 发送邮件需要配置 smtp")
        return self


def _receiver(name: str, r: Receiver) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    if r.webhooks:
        out["webhook_configs"] = [{"url": u, "send_resolved": True} for u in r.webhooks]
    if r.emails:
        out["email_configs"] = [{"to": a, "send_resolved": True} for a in r.emails]
    return out


def _is(label: str, value: str) -> str:
    """A matcher with the value quoted as Alertmanager parses it (JSON's escapes are its escapes)."""
    return f"{label}={json.dumps(value, ensure_ascii=False)}"


def alertmanager_config(routing: AlertRouting) -> dict[str, Any]:
    """alertmanager.yml as a document; `amtool check-config` accepts it."""
    receivers = [_receiver("supervisors", routing.supervisors), {"name": "blackhole"}]
    routes: list[dict[str, Any]] = [
        {
            "receiver": "watchdog" if routing.watchdog else "blackhole",
            "matchers": [_is("alertname", WATCHDOG_ALERT)],
            "group_wait": "0s",
            "group_interval": "1m",
            "repeat_interval": "1m",
        },
        {"receiver": "supervisors", "continue": True},
    ]
    if routing.watchdog:
        receivers.append(_receiver("watchdog", routing.watchdog))
    for code, receiver in sorted(routing.departments.items()):
        if code == PIPELINE_DEPARTMENT:
            continue  # the monitoring's own alerts are the supervisors'
        receivers.append(_receiver(f"department-{code}", receiver))
        routes.append({"receiver": f"department-{code}", "matchers": [_is("department", code)]})
    doc: dict[str, Any] = {
        "route": {
            "receiver": "blackhole",  # every alert matched the supervisors' route before it got here
            "group_by": ["department", "system", "alertname"],
            "group_wait": f"{routing.group_wait_seconds}s",
            "group_interval": "5m",
            "repeat_interval": f"{routing.repeat_hours:g}h",
            "routes": routes,
        },
        "receivers": receivers,
    }
    if routing.smtp:
        doc["global"] = {
            "smtp_smarthost": routing.smtp.smarthost,
            "smtp_from": routing.smtp.sender,
            "smtp_require_tls": routing.smtp.require_tls,
        }
    return doc
