"""A report month (YYYY-MM) as the supervisors and the finance bureau count it: Beijing time (UTC+8, no daylight
saving), from the first day's 00:00 to the next month's, in Unix seconds and in hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
PATTERN = re.compile(r"(\d{4})-(\d{2})")


class MonthError(ValueError):
    """A month that is not YYYY-MM: said in Chinese and English."""

    def __init__(self, text: str) -> None:
        self.zh = f"「{text}」不是有效月份（应为 YYYY-MM，如 2026-04）"
        self.en = f"'{text}' is not a month (YYYY-MM, e.g. 2026-04)"
        super().__init__(self.en)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=BEIJING)

    @property
    def after(self) -> datetime:
        return datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=BEIJING)

    @property
    def start(self) -> int:
        return int(self.first.timestamp())

    @property
    def end(self) -> int:
        return int(self.after.timestamp())

    @property
    def hours(self) -> int:
        return (self.end - self.start) // 3600

    @property
    def days(self) -> int:
        return self.hours // 24


def parse_month(text: str) -> Month:
    found = PATTERN.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
        raise MonthError(text)
    return Month(int(found[1]), int(found[2]))
