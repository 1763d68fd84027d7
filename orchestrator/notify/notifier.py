"""The notifier: reads the audit chain past its cursor, owes each recipient the events it subscribed to, and sends
what is due. One `cycle` is bounded (entries read, notices sent, each send's own timeout), so a slow relay or a
dead webhook never holds a run; whatever is not sent stays owed and is tried again after a growing pause.

Any process given `--notifications` (run, resume, worker, serve) runs one in a thread; several at once are safe:
the notices are owed once and claimed once (store/notices.py)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ..contracts import NoticeStatus
from ..store import Clock, Engine, Notices, Owed, Store, StoreFailure, describe_failure, utcnow
from .events import Raised, raised
from .settings import NotificationSettings
from .transports import MailTransport, NotSent, Transport, WebhookTransport

log = logging.getLogger("govmig.notify")
WaveDepartments = Callable[[str], frozenset[str]]


@dataclass
class Counts:
    read: int = 0
    owed: int = 0
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)

    def document(self) -> dict[str, object]:
        return {
            "read": self.read,
            "owed": self.owed,
            "sent": self.sent,
            "retrying": self.retrying,
            "given_up": self.given_up,
        }


def recipients(event: Raised, settings: NotificationSettings, wave_departments: WaveDepartments) -> list[str]:
    """Who is owed `event`: `webhook:NAME` and `mail:ADDRESS`, each once, in the order the file names them."""
    about = frozenset([event.department]) if event.department else frozenset()
    if not about and event.wave:
        about = wave_departments(event.wave)
    found: list[str] = []
    for sub in settings.subscribe:
        heard = sub.covers(event.event, about)
        if heard is None:
            continue
        for to in sub.to:
            named = (
                [c for dept in sorted(heard) for c in settings.contacts.get(dept, [])]
                if to == "department"
                else [to]
            )
            for one in named:
                canonical = one if one.startswith("mail:") else f"webhook:{one}"
                if canonical not in found:
                    found.append(canonical)
    return found


class Notifier:
    def __init__(
        self,
        engine: Engine,
        settings: NotificationSettings,
        *,
        webhook_client: httpx.Client | None = None,
        mail: Transport | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.settings, self.notices, self.store = settings, Notices(engine, clock), Store(engine, clock)
        client = webhook_client or httpx.Client(
            timeout=settings.webhook_timeout_seconds, follow_redirects=False
        )
        self.webhooks: Transport = WebhookTransport({k: str(v) for k, v in settings.webhooks.items()}, client)
        self.mail: Transport | None = mail or (MailTransport(settings.smtp) if settings.smtp else None)

    def _wave_departments(self, wave: str) -> frozenset[str]:
        return frozenset(s.system.split("/", 1)[0] for s in self.store.systems(wave) if "/" in s.system)

    def collect(self, limit: int = 200) -> Counts:
        """Reads up to `limit` entries past the cursor and owes what they raise."""
        counts = Counts()
        entries = self.notices.unread(limit)
        if not entries:
            return counts
        owed: list[tuple[int, str, str, dict[str, object]]] = []
        for entry in entries:
            event = raised(entry)
            if event is None:
                continue
            body = event.document()
            owed += [
                (entry.seq, event.event, r, body)
                for r in recipients(event, self.settings, self._wave_departments)
            ]
        counts.read = len(entries)
        counts.owed = self.notices.owe(entries[-1].seq, owed)
        return counts

    def _send(self, notice: Owed) -> None:
        kind, _, address = notice.recipient.partition(":")
        if kind == "mail":
            if self.mail is None:
                raise NotSent("未配置 smtp，无法发邮件", "no smtp section: mail cannot be sent")
            self.mail.send(address, notice.id, notice.payload)
        else:
            if address not in self.settings.webhooks:
                raise NotSent(
                    f"配置中已无 webhook {address}", f"the webhook {address} is no longer configured"
                )
            self.webhooks.send(address, notice.id, notice.payload)

    def send_due(self, limit: int = 50) -> Counts:
        counts = Counts()
        for notice in self.notices.claim_due(limit):
            try:
                self._send(notice)
            except NotSent as failed:
                status = self.notices.not_sent(notice, f"{failed.zh} / {failed.en}")
                counts.errors.append(f"{notice.recipient}: {failed.zh} / {failed.en}")
                if status == NoticeStatus.failed:
                    counts.given_up += 1
                    log.error(
                        "通知已放弃 notice given up #%s %s: %s / %s",
                        notice.id,
                        notice.recipient,
                        failed.zh,
                        failed.en,
                    )
                else:
                    counts.retrying += 1
                    log.warning(
                        "通知稍后重试 notice to retry #%s %s: %s / %s",
                        notice.id,
                        notice.recipient,
                        failed.zh,
                        failed.en,
                    )
                continue
            self.notices.sent(notice.id)
            counts.sent += 1
        return counts

    def cycle(self) -> Counts:
        collected, sent = self.collect(), self.send_due()
        sent.read, sent.owed = collected.read, collected.owed
        return sent


class NotifierThread:
    """A notifier cycling every `every` seconds in a daemon thread until `stop()`; a store that cannot be reached
    is said once (both languages, no traceback) and tried again at the next cycle."""

    def __init__(self, notifier: Notifier, every: float = 2.0) -> None:
        self.notifier, self.every = notifier, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="govmig-notifier", daemon=True)
        self._failing = False

    def start(self) -> NotifierThread:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.notifier.cycle()
                self._failing = False
            except StoreFailure as exc:
                if not self._failing:
                    zh, en = describe_failure(exc, detail=False) or ("状态库出错", "the store failed")
                    log.error("通知暂停 notices paused: %s / %s", zh, en)
                self._failing = True
            self._stop.wait(self.every)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        with contextlib.suppress(StoreFailure):
            self.notifier.cycle()  # what the last moments raised, once more, bounded like every cycle
