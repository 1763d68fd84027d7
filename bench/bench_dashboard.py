"""The supervisors' dashboard at 10,000 systems under 100 concurrent clients: p50 and p99 latency of
GET /api/dashboard (made once per monitor cycle and view, kept as bytes with its ETag), against the same clients
fetching a static file of exactly the same bytes from the same server (the floor: the server, the loopback and the
body's size, whatever the endpoint does), and the same clients revalidating with If-None-Match (304).

The server is `govmig serve` in its own process (uvicorn) over the example province's plans, the store a SQLite
file with 10,000 systems' health. Both are asked without compression, so the two bodies are byte for byte the same.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_web import CLIENTS, EACH, SYSTEMS, _pct, _populate
from tests.web.server import govmig_serve

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "orchestrator" / "web" / "static"
PLAIN = {"Accept-Encoding": "identity"}
ROUNDS = 2
STALE = [0]


async def _load(url: str, headers: dict[str, str], status: int = 200) -> list[float]:
    """Each of CLIENTS clients asks EACH times in turn, all at once: every answer's latency, in seconds."""
    latencies: list[float] = []
    # the client lets go of a pooled connection idle 2 s, before the server's keep-alive (5 s) closes it
    limits = httpx.Limits(max_connections=CLIENTS, keepalive_expiry=2.0)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=120) as client:

        async def one() -> None:
            for _ in range(EACH):
                for _attempt in range(3):
                    start = time.perf_counter()
                    try:
                        r = await client.get(url)
                        break
                    except (httpx.RemoteProtocolError, httpx.ReadError):
                        # a pooled connection the server closed after its keep-alive (5 s idle, under a load
                        # average of 10 on 2 cores): the client's stale socket, asked again on a new one
                        STALE[0] += 1
                assert r.status_code == status, (url, r.status_code)
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(one() for _ in range(CLIENTS)))
    return latencies


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="govmig-bench-dashboard-"))
    db = f"sqlite:///{root / 'govmig.db'}"
    token = _populate(db)
    floor_file = STATIC / f"bench-dashboard-{os.getpid()}.json"
    try:
        with govmig_serve(db, root, "--plans", str(ROOT / "examples" / "province")) as base:
            _measure(base, token, floor_file)
    finally:
        floor_file.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)


def _measure(base: str, token: str, floor_file: Path) -> None:
    auth = {"Authorization": f"Bearer {token}", **PLAIN}
    first = httpx.get(base + "/api/dashboard", headers=auth, timeout=120)
    first.raise_for_status()
    floor_file.write_bytes(first.content)  # the same bytes, served by the same server as a static file
    static = base + f"/static/{floor_file.name}"
    assert httpx.get(static, headers=PLAIN, timeout=30).content == first.content
    etag = first.headers["etag"]
    asyncio.run(_load(base + "/api/dashboard", auth))  # warm both
    asyncio.run(_load(static, PLAIN))
    api: list[float] = []
    floor: list[float] = []
    revalidated: list[float] = []
    for _ in range(ROUNDS):  # taken in turn: a busy spell of the shared machine falls on each alike
        api += asyncio.run(_load(base + "/api/dashboard", auth))
        floor += asyncio.run(_load(static, PLAIN))
        revalidated += asyncio.run(_load(base + "/api/dashboard", {**auth, "If-None-Match": etag}, 304))
    print(
        f"\nWeb: GET /api/dashboard, {SYSTEMS:,} systems ({len(first.content) / 1e6:.2f} MB), "
        f"{CLIENTS} concurrent clients × {EACH}, {ROUNDS} rounds in turn"
    )
    for name, values in (
        ("dashboard", api),
        ("static file (floor)", floor),
        ("dashboard, 304", revalidated),
    ):
        print(f"  {name:<22} p50 {_pct(values, 50):8.1f} ms   p99 {_pct(values, 99):8.1f} ms")
    p50, p99 = _pct(api, 50) / _pct(floor, 50), _pct(api, 99) / _pct(floor, 99)
    print(f"  ratio to the floor      p50 {p50:6.2f}x      p99 {p99:6.2f}x   (goal: p99 <= 1.20x)")
    print(f"  requests asked again on a fresh connection (the server had closed an idle one): {STALE[0]}")


if __name__ == "__main__":
    main()
