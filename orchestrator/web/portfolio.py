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
from ..store import utcnow
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
        self._lifecycles: tuple[tuple[object, ...], dict[str, Lifecycle]] | None = None

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
        review, the waves, the runs and the departments' acceptance.

        Every system's is worked out once per change of the records (the view, the newest step, wave and audit
        row, the observation setting, the minute) and shared by the dashboard's pushes and every page."""
        view, store = self.view(), self.ctx.store
        minute = utcnow().replace(second=0, microsecond=0)
        key = (view.key, store.last_change(), self.ctx.config.observation_days, minute)
        with self._lock:
            cached = self._lifecycles
        if cached is None or cached[0] != key:
            cached = (key, self._all_lifecycles(view))
            with self._lock:
                self._lifecycles = cached
        every = cached[1]
        if all(d.key in every for d in decisions):
            return {d.key: every[d.key] for d in decisions}
        return self._all_lifecycles(view, decisions)  # systems outside the view (not expected): worked out

    def _all_lifecycles(self, view: View, decisions: list[Decision] | None = None) -> dict[str, Lifecycle]:
        reviewed = {}
        for v in self.ctx.accounts.current_plans():
            review = self.ctx.reviews.of(v.department).get(v.version)
            reviewed[v.department] = (v.submitted_at, review.at if review else None)
        store, observe = self.ctx.store, timedelta(days=self.ctx.config.observation_days)
        chosen = view.decisions if decisions is None else decisions
        return lifecycles(store, store.waves(), chosen, view.roadmap, reviewed, observe)

    def preview(self, plan: MigrationPlan) -> list[Decision]:
        """The assessment of a submitted plan beside the rest of the portfolio, before it becomes current: the
        same settings and measured usage as the view it would replace."""
        return self.view().portfolio.with_plan(plan).decisions_of(plan.department.code)
