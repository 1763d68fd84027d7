"""Runs every benchmark in turn, each in a fresh interpreter: `python bench/run.py`.

Each in its own process, as each govmig command runs in its own: a benchmark run after another in one interpreter
would carry the earlier one's heap (the render's 5,000-system portfolio, the 50,000-system wave plan), and the
cyclic collector's walks over it would be charged to the later one's figure but not to its floor (the wave's
executor ran 1.06x its plain ansible-playbook floor alone, 1.23x after the others in one process).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = (
    "bench_intake",
    "bench_assess",
    "bench_waves",
    "bench_discovery",
    "bench_render",
    "bench_execute",
    "bench_datamove",
    "bench_monitor",
    "bench_web",
    "bench_dashboard",
    "bench_intake_load",
    "bench_sign_in",
)


def main() -> int:
    failed = [
        name
        for name in BENCHMARKS
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False, cwd=ROOT).returncode
    ]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
