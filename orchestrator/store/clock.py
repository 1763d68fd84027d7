"""The store's clock: what every store class asks for the time (injected, so a test can move it), and the one
rule for timestamps read back (the store only ever writes UTC)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; the store only ever writes UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
