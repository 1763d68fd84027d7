"""Runs merged into one observation file: a province is discovered wave by wave, and again later.

A dependency seen in several runs keeps its earliest first sighting, its latest last one and the sum of its
samples; a host's facts are the latest run's that observed it; the runs are listed in the order they ran.
"""

from __future__ import annotations

from .model import Connection, HostFacts, Observation


def merge(old: Observation, new: Observation) -> Observation:
    connections: dict[tuple[str, str, int], Connection] = {c.key: c for c in old.connections}
    for c in new.connections:
        seen = connections.get(c.key)
        connections[c.key] = (
            c
            if seen is None
            else seen.model_copy(
                update={
                    "first_seen": min(seen.first_seen, c.first_seen),
                    "last_seen": max(seen.last_seen, c.last_seen),
                    "samples": seen.samples + c.samples,
                }
            )
        )
    hosts: dict[tuple[str, str], HostFacts] = {(h.system, h.host): h for h in old.hosts}
    for h in new.hosts:
        kept = hosts.get((h.system, h.host))
        if kept is None or h.observed_at >= kept.observed_at:
            hosts[(h.system, h.host)] = h
    return Observation(
        runs=sorted([*old.runs, *new.runs], key=lambda r: r.at),
        connections=[connections[k] for k in sorted(connections)],
        hosts=[hosts[k] for k in sorted(hosts)],
    )
