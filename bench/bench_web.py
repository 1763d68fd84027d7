"""The dashboard's status API at 10,000 systems under 100 concurrent clients: p50 and p99 latency of
GET /api/health, against the same clients fetching a static file from the same server (the floor of the
server and the loopback, whatever the endpoint does).

The server is `govmig serve` in its own process (uvicorn), the store a SQLite file with 10,000 systems' health.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orchestrator.store import Accounts, HealthStore, open_store
from orchestrator.store.health import StateRow
from orchestrator.web import hash_password, new_token, token_digest
from tests.monitor import lab
from tests.web.server import govmig_serve

SYSTEMS, CLIENTS, EACH = 10_000, 100, 10


def _populate(db: str) -> str:
    engine = open_store(db)
    now = datetime.now(UTC)
    states = ("up", "up", "up", "degraded", "down", "unknown")
    rows = [
        StateRow(
            t.key,
            t.department,
            t.zone,
            t.wave,
            states[i % 6],
            "ok",
            now,
            None,
            0,
            {"probe_success": 1.0, "probe_seconds": 0.012, "request_rate": 3.5, "budget_left": 0.93},
        )
        for i, t in enumerate(lab.synthetic_targets(SYSTEMS))
    ]
    HealthStore(engine).record_cycle(now, 0.5, 10, True, rows, [], [])
    accounts = Accounts(engine)
    user = accounts.add_user("bench", "supervisor", None, hash_password("bench-password"), "bench")
    token = new_token()
    accounts.add_token(user, token_digest(token), "bench", "bench")
    return token


async def _load(url: str, headers: dict[str, str]) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=60) as client:

        async def one() -> None:
            for _ in range(EACH):
                start = time.perf_counter()
                r = await client.get(url)
                r.raise_for_status()
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(one() for _ in range(CLIENTS)))
    return latencies


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="govmig-bench-web-"))
    db = f"sqlite:///{root / 'govmig.db'}"
    token = _populate(db)
    try:
        with govmig_serve(db, root) as base:
            _measure(base, token)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _measure(base: str, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    size = len(httpx.get(base + "/api/health", headers=auth, timeout=30).content)
    asyncio.run(_load(base + "/api/health", auth))  # warm: the document is built once per cycle
    api = asyncio.run(_load(base + "/api/health", auth))
    floor = asyncio.run(_load(base + "/static/app.css", {}))
    print(
        f"\nWeb: GET /api/health, {SYSTEMS:,} systems ({size / 1e6:.1f} MB), {CLIENTS} concurrent clients × {EACH}"
    )
    for name, values in (("status API", api), ("static file (floor)", floor)):
        print(f"  {name:<22} p50 {_pct(values, 50):8.1f} ms   p99 {_pct(values, 99):8.1f} ms")
    p50, p99 = _pct(api, 50) / _pct(floor, 50), _pct(api, 99) / _pct(floor, 99)
    print(f"  ratio to the floor      p50 {p50:6.2f}x      p99 {p99:6.2f}x")


if __name__ == "__main__":
    main()
