"""CLI tests share the example province's settings files and date."""

from tests.conftest import ROOT

EXAMPLE_ARGS = [
    "--policy",
    str(ROOT / "examples" / "policy.yaml"),
    "--schedule",
    str(ROOT / "examples" / "schedule.yaml"),
    "--as-of",
    "2026-11-22",
]
