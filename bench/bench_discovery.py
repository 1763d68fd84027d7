"""Discovery's core at a province's scale: 10,000 systems' source hosts, each reporting 20 connections (to other
systems, from other systems, to peers outside), attributed to systems, merged into an earlier run, and compared
with the plans; then the waves planned as if the undeclared dependencies were declared.

Baseline, measured in the same run: grouping the same connection tuples by (from, to, port) in a plain dict, the
least any attribution does.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime

from bench.common import report
from bench.portfolio import portfolio
from orchestrator.discovery import (
    AddressBook,
    HostReport,
    Observation,
    dependencies,
    learn,
    merge,
    undeclared,
)
from orchestrator.plan import MigrationPlan

AS_OF = date(2026, 11, 22)
T0, T1 = "2026-12-06T08:00:00+00:00", "2026-12-06T08:01:00+00:00"


def _address(n: int) -> str:
    return f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"


def _reports(keys: list[str], rng: random.Random) -> list[HostReport]:
    out = []
    for n, key in enumerate(keys):
        me = _address(n)
        conns = []
        for j in range(20):
            peer = rng.randrange(len(keys))
            if j < 10:  # outbound to another system's service
                local, remote = f"{me}:{40000 + j}", f"{_address(peer)}:5432"
            elif j < 15:  # inbound to this system's service
                local, remote = f"{me}:8080", f"{_address(peer)}:{50000 + j}"
            else:  # to a peer outside the portfolio
                local, remote = f"{me}:{41000 + j}", f"172.16.{j}.{peer % 250}:443"
            conns.append({"local": local, "remote": remote, "first_seen": T0, "last_seen": T1, "samples": 5})
        out.append(HostReport(f"h{n}", key, "W01", [me], [f"{me}:8080", f"{me}:5432"], conns))
    return out


def _floor(reports: list[HostReport]) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for r in reports:
        for c in r.connections:
            k = (r.system, str(c["remote"]), str(c["local"]))
            seen[k] = max(seen.get(k, 0), int(c["samples"]))


def _time(fn: object, *args: object) -> float:
    start = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def main(size: int = 10_000) -> None:
    plans = [MigrationPlan.model_validate(doc) for doc in portfolio(size)]
    keys = [p.key(s) for p in plans for s in p.systems]
    reports = _reports(keys, random.Random(7))

    def attribute() -> Observation:
        return Observation(connections=dependencies(reports, learn(AddressBook(), reports)))

    first = attribute()
    seconds = min(_time(attribute) for _ in range(2))
    baseline = min(_time(_floor, reports) for _ in range(2))
    found = len(first.connections)
    rows = [(f"attribute {size} hosts x 20 connections", seconds, baseline, f"{size / seconds:9.0f} hosts/s")]
    later = first.model_copy(update={"runs": []})
    merged_s = min(_time(merge, first, later) for _ in range(2))
    rows.append(
        (f"merge two runs of {found} dependencies", merged_s, baseline, f"{found / merged_s:9.0f} deps/s")
    )
    compare_s = min(_time(undeclared, plans, first) for _ in range(2))
    rows.append(
        (f"undeclared vs {size} systems' plans", compare_s, baseline, f"{found / compare_s:9.0f} deps/s")
    )
    report("discovery (baseline: a dict grouping of the same connections)", rows)
    print(f"  {found} dependencies, {len(undeclared(plans, first))} undeclared, at {datetime.now(UTC):%H:%M}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
