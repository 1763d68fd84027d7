"""govmig: moves government information systems onto the e-government networks and gov cloud, by the policy.

The public names are listed here once and pinned by tests/test_public_api.py.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy as _lazy

if TYPE_CHECKING:
    from .plan import Intake, IntakeError, MigrationPlan, System, build_template, load_file, load_paths
    from .policy import Action, Decision, PolicySettings, assess
    from .render import RenderSettings, render_artifacts
    from .waves import Roadmap, Wave, WaveSettings, plan_waves

# bound on first use: `govmig status` need not load the policy, the renderer and Excel before it reads the store
__getattr__ = _lazy(
    __name__,
    {
        **dict.fromkeys(
            ("Intake", "IntakeError", "MigrationPlan", "System", "build_template", "load_file", "load_paths"),
            "plan",
        ),
        **dict.fromkeys(("Action", "Decision", "PolicySettings", "assess"), "policy"),
        **dict.fromkeys(("RenderSettings", "render_artifacts"), "render"),
        **dict.fromkeys(("Roadmap", "Wave", "WaveSettings", "plan_waves"), "waves"),
    },
)

__version__ = "0.1.0"

__all__ = [
    "Action",
    "Decision",
    "Intake",
    "IntakeError",
    "MigrationPlan",
    "PolicySettings",
    "RenderSettings",
    "Roadmap",
    "System",
    "Wave",
    "WaveSettings",
    "__version__",
    "assess",
    "build_template",
    "load_file",
    "load_paths",
    "plan_waves",
    "render_artifacts",
]
