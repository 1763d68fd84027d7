"""Runs every benchmark in turn: `python bench/run.py`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (
    bench_assess,
    bench_datamove,
    bench_execute,
    bench_intake,
    bench_monitor,
    bench_render,
    bench_waves,
    bench_web,
)

if __name__ == "__main__":
    bench_intake.main()
    bench_assess.main()
    bench_waves.main()
    bench_render.main()
    bench_execute.main()
    bench_datamove.main()
    bench_monitor.main()
    bench_web.main()
