"""govmig: moves government information systems onto the e-government networks and gov cloud, by the policy.

The public names are listed here once and pinned by tests/test_public_api.py.
"""

from .plan import Intake, IntakeError, MigrationPlan, System, build_template, load_file, load_paths

__version__ = "0.1.0"

__all__ = [
    "Intake",
    "IntakeError",
    "MigrationPlan",
    "System",
    "__version__",
    "build_template",
    "load_file",
    "load_paths",
]
