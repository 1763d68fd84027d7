"""Wave-planning settings: capacity per wave, the maintenance-window calendar, the pilot and the start date.

Operations own these (`govmig plan --schedule FILE`); the defaults suit a province migrating at weekends.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Public holidays (法定节假日) for 2026 as published, and 2027 as expected from the lunar calendar: a province
# replaces this list with the State Council's official one each year.
CHINA_HOLIDAYS: tuple[tuple[str, str], ...] = (
    ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"),
    ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
    ("2027-01-01", "2027-01-03"),
    ("2027-02-05", "2027-02-11"),
    ("2027-04-03", "2027-04-05"),
    ("2027-05-01", "2027-05-05"),
    ("2027-06-09", "2027-06-11"),
    ("2027-09-15", "2027-09-17"),
    ("2027-10-01", "2027-10-07"),
)


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start_weekday: Annotated[int, Field(ge=0, le=6)] = 4
    """Monday is 0: the default window opens on Friday..."""
    start_time: time = time(22, 0)
    """...at 22:00..."""
    hours: Annotated[float, Field(gt=0, le=168)] = 32
    """...and lasts 32 hours, to Sunday 06:00."""


class HolidaySpan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: date
    last: date


class WaveSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_systems: Annotated[int, Field(ge=1)] = 10
    """Systems in one wave."""
    max_per_department: Annotated[int, Field(ge=1)] = 4
    """Systems of one department in one wave: its staff must verify each one."""
    sync_bandwidth_mbps: Annotated[float, Field(gt=0)] = 200
    """Bandwidth between a private network and its target, for the data a wave moves."""
    sync_efficiency: Annotated[float, Field(gt=0, le=1)] = 0.7
    """Share of the bandwidth that carries data (protocol, verification, retries take the rest)."""
    presync_lead_days: Annotated[float, Field(ge=0)] = 7
    """Warm moves: the pre-sync (a database's replica, the files' first pass) starts this many days before the
    window, over the same link, while the source serves; the window then holds only the delta."""
    delta_share: Annotated[float, Field(ge=0, le=1)] = 0.05
    """Share of a warm move's data the window still carries: what changed since the last pass, and what a
    caught-up replica has yet to apply."""
    pilot_size: Annotated[int, Field(ge=0)] = 3
    """Systems in the pilot wave: the simplest, with nothing they depend on still to move. 0: no pilot."""
    window: Window = Field(default_factory=Window)
    holidays: list[HolidaySpan] = Field(
        default_factory=lambda: [
            HolidaySpan(first=date.fromisoformat(a), last=date.fromisoformat(b)) for a, b in CHINA_HOLIDAYS
        ]
    )
    earliest_start: date | None = None
    """No wave before this day; by default the assessment date."""
    utc_offset_hours: float = 8
    """Local time of the windows (Beijing time)."""
    horizon_windows: Annotated[int, Field(ge=1)] = 520
    """Windows looked at before giving up on the rest (ten years of weekends)."""
    simple_max: int = 2
    """Complexity score up to which a system is simple..."""
    medium_max: int = 5
    """...and up to which it is of medium complexity; above is complex."""

    @property
    def window_data_gb(self) -> float:
        """GB one window can sync: bandwidth x window length x efficiency."""
        return self.gb_in(self.window.hours)

    @property
    def presync_data_gb(self) -> float:
        """GB the pre-sync can copy in its lead time, ahead of the window."""
        return self.gb_in(self.presync_lead_days * 24)

    def gb_in(self, hours: float, mbps: float | None = None) -> float:
        """GB the link carries in `hours` (at `mbps`, by default the settings' bandwidth)."""
        return (mbps or self.sync_bandwidth_mbps) / 8 / 1024 * hours * 3600 * self.sync_efficiency

    def window_load_gb(self, warm_gb: float, cold_gb: float) -> float:
        """What a move puts in the window: the warm part's delta, and the cold part whole."""
        return warm_gb * self.delta_share + cold_gb


DEFAULT_WAVES = WaveSettings()
