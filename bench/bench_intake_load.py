"""The dashboard while a large plan validates: p50 and p99 latency of a supervisor's GET /api/dashboard during the
validation of one department's 19 MB plan (16,000 systems, under the intake limit of 20 MiB), against the same
requests at rest (the floor: the same server, store and clients with nothing else to do).

The server is `govmig serve` in its own process (uvicorn) over the example province; a bounded number of
dashboard requests from a few clients over loopback. The validation's own duration is printed beside.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.portfolio import department_plan
from orchestrator.cli.web_cmds import seed
from orchestrator.store import Accounts, open_store
from orchestrator.web import hash_password, new_token, token_digest
from tests.conftest import EXAMPLES
from tests.web.server import govmig_serve

SYSTEMS, CLIENTS, PACE, REST, MOST = 16_000, 4, 0.25, 200, 4000
"""The plan's systems; dashboard clients at once, each pausing PACE seconds between its requests (so that the
requests cover the whole validation, which takes minutes on a busy machine); requests at rest; the most during."""
BIG = "630000-BIG"


def _populate(db: str) -> dict[str, str]:
    accounts = Accounts(open_store(db))
    seed(accounts, (EXAMPLES,), "bench")
    accounts.add_department(BIG, "大厅", "bench")
    tokens = {}
    for name, role in (("sup", "supervisor"), ("ops", "ops")):
        user = accounts.add_user(name, role, None, hash_password("bench-password"), "bench")
        tokens[name] = new_token()
        accounts.add_token(user, token_digest(tokens[name]), "bench", "bench")
    return tokens


async def _dashboards(url: str, token: str, until: threading.Event | None) -> list[float]:
    """Dashboard latencies from CLIENTS paced clients: REST requests in all, or with `until`, as many as come
    before it is set (at most MOST)."""
    most = REST if until is None else MOST
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(headers=headers, timeout=600) as client:

        async def one() -> None:
            while len(latencies) < most and not (until is not None and until.is_set()):
                start = time.perf_counter()
                r = await client.get(url)
                r.raise_for_status()
                latencies.append(time.perf_counter() - start)
                await asyncio.sleep(PACE)

        await asyncio.gather(*(one() for _ in range(CLIENTS)))
    return latencies


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="govmig-bench-intake-load-"))
    db = f"sqlite:///{root / 'govmig.db'}"
    tokens = _populate(db)
    plan = department_plan(BIG, SYSTEMS)
    try:
        with govmig_serve(db, root) as base:
            _measure(base, tokens, plan)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _measure(base: str, tokens: dict[str, str], plan: bytes) -> None:
    url = base + "/api/dashboard"
    asyncio.run(_dashboards(url, tokens["sup"], None))  # warm: the portfolio view and lifecycles built
    rest = asyncio.run(_dashboards(url, tokens["sup"], None))
    done, took, answer = threading.Event(), [0.0], [0]

    def validate() -> None:
        start = time.perf_counter()
        r = httpx.post(
            f"{base}/api/plans/{BIG}/validate",
            files={"file": ("big.yaml", plan)},
            headers={"Authorization": f"Bearer {tokens['ops']}"},
            timeout=900,
        )
        took[0], answer[0] = time.perf_counter() - start, r.status_code
        done.set()

    worker = threading.Thread(target=validate)
    worker.start()
    time.sleep(1.0)  # the plan sent: the server is parsing it
    during = asyncio.run(_dashboards(url, tokens["sup"], done))
    worker.join()
    assert answer[0] == 200, answer[0]
    print(
        f"\nIntake under load: GET /api/dashboard ({CLIENTS} clients, {PACE} s apart) while a "
        f"{len(plan) / 1e6:.1f} MB plan ({SYSTEMS:,} systems) validates in {took[0]:.1f} s"
    )
    for name, values in (("at rest (floor)", rest), ("during validation", during)):
        print(
            f"  {name:<22} {len(values):4d} requests   p50 {_pct(values, 50):8.1f} ms   "
            f"p99 {_pct(values, 99):8.1f} ms"
        )
    p50, p99 = _pct(during, 50) / _pct(rest, 50), _pct(during, 99) / _pct(rest, 99)
    print(f"  ratio to the floor      p50 {p50:6.2f}x      p99 {p99:6.2f}x")
    print(f"  dashboard p99 against the validation's duration: {_pct(during, 99) / 1000 / took[0]:.3f}")


if __name__ == "__main__":
    main()
