"""Discovery's thresholds: settings with defaults, never constants in code."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class DiscoverySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size_tolerance: Annotated[float, Field(ge=0)] = 0.10
    """A measured size larger than declared by more than this share contradicts the plan..."""
    size_slack_gb: Annotated[float, Field(ge=0)] = 0.0
    """...and by more than this many GB (a declared 0 is not contradicted by a few bytes of configuration)."""
    max_samples: Annotated[int, Field(ge=1, le=60)] = 12
    """Samples of a host's connections in one run, whatever the window."""
    max_connections: Annotated[int, Field(ge=1)] = 2000
    """Distinct connections one host reports in one run."""
    forks: Annotated[int, Field(ge=1, le=200)] = 50
    """Hosts sampled at once by one execution node (or the control node)."""

    def samples_for(self, window: float) -> tuple[int, float]:
        """(samples, seconds between two) for a window: one a second up to `max_samples`, spread over it."""
        samples = max(1, min(self.max_samples, int(window) + 1))
        return samples, (window / (samples - 1) if samples > 1 else 0.0)


DEFAULT_DISCOVERY = DiscoverySettings()
