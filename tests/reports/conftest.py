"""The example province's reports over a fixture history: three systems moved (one the year before), two watched
by the monitor (one short of its objective)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.plan import MigrationPlan
from orchestrator.policy import Decision
from orchestrator.reports import History
from orchestrator.waves import Roadmap, WaveSettings, plan_waves
from tests.conftest import AS_OF, DATA, EXAMPLES, ROOT

YEAR = 2026
MOVED = {
    "630000-RST/salary-mgmt": datetime(2026, 3, 2, tzinfo=UTC),
    "630000-FGW/energy-review": datetime(2026, 11, 29, tzinfo=UTC),
    "630000-CZT/accountant-mgmt": datetime(2025, 12, 20, tzinfo=UTC),
}
WATCHED = {"630000-RST/salary-mgmt": (9_900, 10_000), "630000-FGW/energy-review": (10_000, 10_000)}
RETIRED = {  # govmig retire's records: one zombie retired in the year, one the year after (not counted)
    "630000-RST/skill-cert-old": datetime(2026, 10, 9, tzinfo=UTC),
    "630000-CZT/old-payroll": datetime(2027, 1, 15, tzinfo=UTC),
}


@pytest.fixture(scope="session")
def history() -> History:
    return History(MOVED, WATCHED, RETIRED)


@pytest.fixture(scope="session")
def roadmap(province_plans: list[MigrationPlan], province: dict[str, Decision]) -> Roadmap:
    schedule = WaveSettings.model_validate(yaml.safe_load((ROOT / "examples" / "schedule.yaml").read_text()))
    return plan_waves(province_plans, list(province.values()), AS_OF, schedule)


@pytest.fixture(scope="session")
def raw_plans() -> dict[str, dict[str, Any]]:
    """The plans as plain documents, read without the orchestrator: the tests' own view of the figures."""
    docs: dict[str, dict[str, Any]] = {}
    for path in [*EXAMPLES.glob("*.yaml"), *(DATA / "xlsx_twins").glob("*.yaml")]:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        docs[doc["department"]["code"]] = doc
    return docs
