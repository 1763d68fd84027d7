"""Notifications: the events of a wave's night and of the two-person rule, told by mail and webhook to whom the
site's notifications.yaml says (shared/DOMAIN.md v1.2), read from the audit chain so nothing that happened is
missed and no run waits on a mail server."""

from .events import Raised, raised
from .notifier import Counts, Notifier, NotifierThread, recipients
from .settings import EVENTS, NotificationSettings
from .transports import MailTransport, NotSent, Transport, WebhookTransport

__all__ = [
    "EVENTS",
    "Counts",
    "MailTransport",
    "NotSent",
    "NotificationSettings",
    "Notifier",
    "NotifierThread",
    "Raised",
    "Transport",
    "WebhookTransport",
    "raised",
    "recipients",
]
