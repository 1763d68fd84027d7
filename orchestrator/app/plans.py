"""Plans and reviews: the departments' versions, the supervisors' reviews, and the portfolio in force (the latest
approved plan of every department, assessed and planned), cached until a version or a review changes it (or the
day does)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..plan import LoadedPlan, MigrationPlan
from ..policy import Decision
from ..store import MAX_COMMENT, PENDING, Review, Reviews, utcnow
from ..store import Accounts as AccountBook
from ..waves import Roadmap
from .intake import check_upload
from .lifecycle import Lifecycle, lifecycles
from .portfolio import Portfolio
from .resource_requests import with_kept

if TYPE_CHECKING:
    from .site import Site


@dataclass(frozen=True)
class View:
    """The current portfolio (the application layer's) and the versions it was built from."""

    key: tuple[object, ...]
    portfolio: Portfolio

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


class Plans:
    def __init__(self, site: Site, book: AccountBook) -> None:
        self.site, self.book = site, book
        self.reviews = Reviews(site.engine)
        self._lock = threading.Lock()
        self._view: View | None = None
        self._lifecycles: tuple[tuple[object, ...], dict[str, Lifecycle]] | None = None

    def plans(self) -> list[MigrationPlan]:
        return [MigrationPlan.model_validate(v.plan) for v in self.book.current_plans()]

    def view(self) -> View:
        current = self.book.current_plans()
        as_of = self.site.config.today()
        key = (as_of, self.site.resources.version(), *((v.department, v.version) for v in current))
        with self._lock:
            if self._view is not None and self._view.key == key:
                return self._view
            plans = [MigrationPlan.model_validate(v.plan) for v in current]
            view = self._build(key, as_of, plans)
            self._view = view
            return view

    def _build(self, key: tuple[object, ...], as_of: date, plans: list[MigrationPlan]) -> View:
        config = self.site.config
        usage = self.site.health.usage(as_of, config.policy.zombie.z1_idle_business_days)
        resources = self.site.resources
        measured = with_kept(usage, resources.kept())  # an approved keep: Z3 does not flag it
        portfolio = Portfolio(plans, as_of, config.policy, config.schedule, config.render, measured)
        portfolio.sizes = resources.sizes()  # approved resizes: render carries them
        return View(key, portfolio)

    def check(self, raw: bytes, filename: str) -> LoadedPlan:
        """Validates one upload alone and then against the rest of the portfolio (cross-department references)."""
        return check_upload(raw, filename, self.plans())

    def lifecycles(self, decisions: list[Decision]) -> dict[str, Lifecycle]:
        """Each of these systems' lifecycle state and dates, from the records: the plan version in force and its
        review, the waves, the runs and the departments' acceptance.

        Every system's is worked out once per change of the records (the view, the newest step, wave and audit
        row, the observation setting, the minute) and shared by the dashboard's pushes and every page."""
        view, store = self.view(), self.site.store
        minute = utcnow().replace(second=0, microsecond=0)
        key = (view.key, store.last_change(), self.site.observation_days, minute)
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
        for v in self.book.current_plans():
            review = self.reviews.of(v.department).get(v.version)
            reviewed[v.department] = (v.submitted_at, review.at if review else None)
        store, observe = self.site.store, timedelta(days=self.site.observation_days)
        chosen = view.decisions if decisions is None else decisions
        return lifecycles(store, store.waves(), chosen, view.roadmap, reviewed, observe)

    def preview(self, plan: MigrationPlan) -> list[Decision]:
        """The assessment of a submitted plan beside the rest of the portfolio, before it becomes current: the
        same settings and measured usage as the view it would replace."""
        return self.view().portfolio.with_plan(plan).decisions_of(plan.department.code)

    def versions(self, department: str | None = None, everything: bool = True) -> list[dict[str, Any]]:
        """Plan versions with their reviews, the console's and the web's one listing: every version of the
        department (or of every department), or with `everything` False only those waiting for review
        (unreviewed or returned, newer than the one in force)."""
        if everything:
            codes = [department] if department else self.book.departments()
            found = [v for code in codes for v in self.book.versions(code)]
        else:
            found = [v for v in self.reviews.waiting() if department in (None, v.department)]
        seen = {code: self.reviews.of(code) for code in {v.department for v in found}}
        force = {code: self.reviews.in_force(code) for code in seen}
        return [
            {
                "department": v.department,
                "version": v.version,
                "filename": v.filename,
                "valid": v.valid,
                "problems": len(v.problems),
                "submitted_by": v.submitted_by,
                "submitted_at": v.submitted_at.isoformat(),
                "review": seen[v.department].get(v.version, PENDING).as_json(),
                "in_force": v.version == force[v.department],
            }
            for v in found
        ]

    def review(self, department: str, version: int, decision: str, comment: str, by: str) -> Review:
        """Approves or returns a version (ReviewRefused: not so, with its status); audited. The caller has made
        sure `by` is a supervisor (the web's principal, the console's --by)."""
        return self.reviews.review(department, version, decision, comment[:MAX_COMMENT], by)

    def is_supervisor(self, username: str) -> bool:
        """Whether `username` is an enabled supervisor's account: who may review plans."""
        user = self.book.user(username)
        return user is not None and not user.disabled and user.role == "supervisor"
