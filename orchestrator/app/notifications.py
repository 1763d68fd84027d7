"""Notifications for a process (`govmig run|resume|worker|serve … --notifications notifications.yaml`): a notifier
over the store in a thread of its own for as long as the command runs (orchestrator/notify)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..notify import NotificationSettings, Notifier, NotifierThread
from ..store import open_store


@contextmanager
def notifying(
    store_url: str | None, settings: NotificationSettings | None
) -> Iterator[NotifierThread | None]:
    """A notifier for the store at `store_url` while the block runs (none without settings); what the last
    moments raised is sent as it stops."""
    if settings is None:
        yield None
        return
    thread = NotifierThread(Notifier(open_store(store_url), settings)).start()
    try:
        yield thread
    finally:
        thread.stop()
