"""One transport per way of sending (as httpx has one per way of sending a request): mail through the site's
relay, JSON to a webhook. A transport sends one notice or raises `NotSent` with why, in both languages; the
notifier decides about retrying. Tests use the real thing (an SMTP server, an HTTP server on loopback) or, for a
webhook, httpx's own MockTransport inside the client."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

import httpx

from .settings import Smtp


class NotSent(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class Transport(Protocol):
    def send(self, address: str, notice_id: int, body: dict[str, Any]) -> None: ...


def _lines(body: dict[str, Any]) -> str:
    """The mail's text: Chinese first, English beside, then the fields as they are."""
    return "\n".join(
        [
            body["zh"],
            body["en"],
            "",
            f"事件 event: {body['event']}",
            f"批次 wave: {body.get('wave') or '-'}",
            f"系统 system: {body.get('system') or '-'}",
            f"时间 at: {body['at']}",
            "",
            "—— govmig 政务信息系统迁移编排 (this is an automatic notice)",
        ]
    )


class MailTransport:
    def __init__(self, smtp: Smtp) -> None:
        self.smtp = smtp

    def send(self, address: str, notice_id: int, body: dict[str, Any]) -> None:
        message = EmailMessage()
        message["From"] = self.smtp.sender
        message["To"] = address
        message["Subject"] = f"[govmig] {body['zh']} / {body['en']}"[:200]
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(idstring=f"govmig-notice-{notice_id}")
        message["X-Govmig-Notice"] = str(notice_id)
        message.set_content(_lines(body), charset="utf-8")
        try:
            with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout_seconds) as relay:
                if self.smtp.starttls:
                    relay.starttls()
                relay.send_message(message)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise NotSent(
                f"邮件未发出（{self.smtp.host}:{self.smtp.port}）：{type(exc).__name__}",
                f"the mail was not sent ({self.smtp.host}:{self.smtp.port}): {type(exc).__name__}: {exc}"[
                    :300
                ],
            ) from None


class WebhookTransport:
    def __init__(self, urls: dict[str, str], client: httpx.Client) -> None:
        self.urls, self.client = urls, client

    def send(self, address: str, notice_id: int, body: dict[str, Any]) -> None:
        url = self.urls[address]
        try:
            answer = self.client.post(url, json=body, headers={"X-Govmig-Notice": str(notice_id)})
        except httpx.HTTPError as exc:
            raise NotSent(
                f"通知未送达 {address}：{type(exc).__name__}",
                f"the notice did not reach {address}: {exc}"[:300],
            ) from None
        if not answer.is_success:
            raise NotSent(
                f"{address} 拒收通知（HTTP {answer.status_code}）",
                f"{address} refused the notice (HTTP {answer.status_code})",
            )
