"""The portfolio the web service shows: the latest valid plan of every department, assessed and planned, cached
until a department submits a new version (or the day changes)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import yaml

from ..app import Lifecycle, check_upload, lifecycles
from ..app import Portfolio as AppPortfolio
from ..monitor import measured_usage
from ..plan import LoadedPlan, MigrationPlan
from ..policy import Decision
from ..waves import Roadmap
from .context import Context


@dataclass(frozen=True)
class View:
    """The current portfolio (the application layer's) and the versions it was built from."""

    key: tuple[object, ...]
    portfolio: AppPortfolio

    @property
    def as_of(self) -> date:
        return self.portfolio.as_of

    @property
    def plans(self) -> list[MigrationPlan]:
        return list(self.portfolio.plans)

    @property
    def decisions(self) -> list[Decision]:
        return self.portfolio.decisions

    @property
    def roadmap(self) -> Roadmap:
        return self.portfolio.roadmap


def plan_document(plan: MigrationPlan) -> dict[str, object]:
    return plan.model_dump(mode="json", by_alias=True, exclude_none=True)


def plan_yaml(plan: dict[str, object]) -> str:
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=120)


class Portfolio:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._view: View | None = None

    def plans(self) -> list[MigrationPlan]:
        return [MigrationPlan.model_validate(v.plan) for v in self.ctx.accounts.current_plans()]

    def view(self) -> View:
        current = self.ctx.accounts.current_plans()
        as_of = self.ctx.config.today()
        key = (as_of, *((v.department, v.version) for v in current))
        with self._lock:
            if self._view is not None and self._view.key == key:
                return self._view
            plans = [MigrationPlan.model_validate(v.plan) for v in current]
            view = self._build(key, as_of, plans)
            self._view = view
            return view

    def _build(self, key: tuple[object, ...], as_of: date, plans: list[MigrationPlan]) -> View:
        config = self.ctx.config
        measured = measured_usage(
            self.ctx.health.usage(), as_of, config.policy.zombie.z1_idle_business_days
        ).by_system()
        return View(key, AppPortfolio(plans, as_of, config.policy, config.schedule, config.render, measured))

    def check(self, raw: bytes, filename: str) -> LoadedPlan:
        """Validates one upload alone and then against the rest of the portfolio (cross-department references)."""
        return check_upload(raw, filename, self.plans())

    def lifecycles(self, decisions: list[Decision]) -> dict[str, Lifecycle]:
        """Each of these systems' lifecycle state and dates, from the records: the plan version in force and its
        review, the waves, the runs and the departments' acceptance."""
        reviewed = {}
        for v in self.ctx.accounts.current_plans():
            review = self.ctx.reviews.of(v.department).get(v.version)
            reviewed[v.department] = (v.submitted_at, review.at if review else None)
        store, observe = self.ctx.store, timedelta(days=self.ctx.config.observation_days)
        return lifecycles(store, store.waves(), decisions, self.view().roadmap, reviewed, observe)

    def preview(self, plan: MigrationPlan) -> list[Decision]:
        """The assessment of a submitted plan beside the rest of the portfolio, before it becomes current: the
        same settings and measured usage as the view it would replace."""
        return self.view().portfolio.with_plan(plan).decisions_of(plan.department.code)
