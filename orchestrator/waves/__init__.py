"""Waves and the roadmap: move groups scheduled into maintenance windows against each department's deadline."""

from .complexity import Complexity, cold_gb, complexity, volume_gb, warm_gb
from .model import Late, Roadmap, Unscheduled, Wave
from .schedule import plan_waves
from .settings import DEFAULT_WAVES, WaveSettings

__all__ = [
    "DEFAULT_WAVES",
    "Complexity",
    "Late",
    "Roadmap",
    "Unscheduled",
    "Wave",
    "WaveSettings",
    "cold_gb",
    "complexity",
    "plan_waves",
    "volume_gb",
    "warm_gb",
]
