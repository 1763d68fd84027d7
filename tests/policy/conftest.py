"""The example province assessed once per session, on the date its plans were written for."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from orchestrator.plan import MigrationPlan, load_paths
from orchestrator.policy import Decision, PolicySettings, assess
from tests.conftest import EXAMPLES, ROOT

AS_OF = date(2026, 11, 22)


@pytest.fixture(scope="session")
def province_settings() -> PolicySettings:
    return PolicySettings.model_validate(yaml.safe_load((ROOT / "examples" / "policy.yaml").read_text()))


@pytest.fixture(scope="session")
def province_plans() -> list[MigrationPlan]:
    return load_paths([EXAMPLES]).plans


@pytest.fixture(scope="session")
def province(province_plans: list[MigrationPlan], province_settings: PolicySettings) -> dict[str, Decision]:
    return {d.key: d for d in assess(province_plans, AS_OF, province_settings)}
