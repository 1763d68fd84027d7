"""The portfolio: every department's plan with the settings in force, composed through the pure stages once.

The CLI and the web both judge, plan and render through this one object, so the two can no longer drift: the
same measured usage reaches the assessment everywhere (a preview too), the same schedule plans the waves and the
same render settings write the tree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from jinja2 import BaseLoader

from ..contracts import Runbook
from ..plan import Measurement, MigrationPlan
from ..policy import DEFAULTS, Decision, PolicySettings, assess
from ..render import DEFAULT_RENDER, ApprovedSize, Files, RenderSettings, render_artifacts
from ..waves import DEFAULT_WAVES, Roadmap, WaveSettings, plan_waves
from .tree_files import Written, write_tree


@dataclass
class Portfolio:
    plans: Sequence[MigrationPlan]
    as_of: date
    policy: PolicySettings = field(default_factory=lambda: DEFAULTS)
    schedule: WaveSettings = field(default_factory=lambda: DEFAULT_WAVES)
    render_settings: RenderSettings = field(default_factory=lambda: DEFAULT_RENDER)
    measured: Mapping[str, Measurement] = field(default_factory=dict)
    runbook: Runbook | None = None
    """The site's manual tasks of the night (contracts/tasks.py), carried in the tree per wave and system."""
    sizes: Mapping[str, ApprovedSize] = field(default_factory=dict)
    """What supervisors approved systems to hold (app/resource_requests.py): render scales their requests."""

    @cached_property
    def decisions(self) -> list[Decision]:
        """One decision per system (assess), measured usage before declared."""
        return assess(self.plans, self.as_of, self.policy, dict(self.measured))

    @cached_property
    def roadmap(self) -> Roadmap:
        """The waves against every deadline (plan_waves), from the decisions above."""
        return plan_waves(self.plans, self.decisions, self.as_of, self.schedule)

    def render(
        self, progress: Callable[[int, int], None] | None = None, loader: BaseLoader | None = None
    ) -> Files:
        """Every file of the output tree for the roadmap above."""
        return render_artifacts(
            self.plans,
            self.decisions,
            self.roadmap,
            self.render_settings,
            loader=loader,
            progress=progress,
            runbook=self.runbook,
            sizes=self.sizes,
        )

    def write(self, out: Path, progress: Callable[[int, int], None] | None = None) -> Written:
        """Renders and writes the tree to `out`; OSError when it cannot."""
        return write_tree(out, self.render(progress))

    def with_plan(self, plan: MigrationPlan) -> Portfolio:
        """The same portfolio with `plan` in place of its department's current one: a preview of a submission."""
        others = [p for p in self.plans if p.department.code != plan.department.code]
        return Portfolio(
            [*others, plan],
            self.as_of,
            self.policy,
            self.schedule,
            self.render_settings,
            self.measured,
            self.runbook,
            self.sizes,
        )

    def decisions_of(self, department: str) -> list[Decision]:
        return [d for d in self.decisions if d.department == department]
