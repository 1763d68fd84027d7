"""The thresholds and choices the policy leaves to each province, with DOMAIN.md's defaults.

A province overrides any of them in a YAML file (`govmig assess --policy FILE`); nothing here is a constant in
the rules themselves.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..plan import BaseData, Frequency, Reference


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ZombieSettings(Strict):
    z1_idle_business_days: Annotated[int, Field(ge=1)] = 180
    """Z1: no business use for more than this many days."""
    z3_idle_requests_per_day: Annotated[float, Field(ge=0)] = 1.0
    """Z3: requests per day at or below this count as idle..."""
    z3_idle_cpu_percent: Annotated[float, Field(ge=0, le=100)] = 2.0
    """...together with average CPU at or below this."""
    z3_window_days: Annotated[int, Field(ge=1)] = 30
    """Z3: a measurement must cover at least this many days to count."""
    z4_stale_update_days: Annotated[int, Field(ge=1)] = 365
    """Z4: no O&M update for more than this many days."""
    z5_max_users: Annotated[int, Field(ge=0)] = 20
    """Z5: fewer users than this..."""
    z5_rare_frequencies: list[Frequency] = Field(
        default_factory=lambda: [Frequency.monthly, Frequency.yearly, Frequency.never]
    )
    """...and used this rarely."""


class PolicySettings(Strict):
    cloud_max_mlps: Annotated[int, Field(ge=1, le=5)] = 3
    """P2: non-classified systems up to this MLPS level go onto the gov cloud."""
    dr_min_mlps: Annotated[int, Field(ge=1, le=5)] = 3
    """Systems from this MLPS level up get a disaster-recovery copy (001 二(五))."""
    zombie: ZombieSettings = Field(default_factory=ZombieSettings)
    merge_similarity: Annotated[float, Field(gt=0, le=1)] = 0.75
    """P6: two systems of a department whose function texts are at least this similar are proposed for merging."""
    consolidated_system: str = "integrated"
    """P6: the id of each department's one consolidated system."""
    base_data_providers: dict[BaseData, Reference] = Field(default_factory=dict)
    """P9: the base data library ("DEPT/id") the sharing platform serves for each kind of base data."""


DEFAULTS = PolicySettings()
