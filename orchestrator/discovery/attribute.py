"""From what each source host reported to dependencies between systems: every address and port is mapped to the
system the inventories and the hosts themselves say it belongs to; a peer no system owns is named by address.

A connection whose local port the host listens on is inbound (the remote end depends on this host's system);
any other is outbound (this system depends on what it reaches). Connections inside one host or one system, and
inbound ones from an address no system owns (the control node's SSH, a citizen's browser), are not dependencies
between systems and are left out. One run's two views of one connection (the client's and the server's) count
once: its samples are the larger of the two.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .model import Connection, DatabaseFact, DataUse, HostFacts

WILDCARDS = ("0.0.0.0", "::")


def endpoint(text: str) -> tuple[str, int] | None:
    """ "198.18.0.2:5432" or "fe80::1:22" as (address, port)."""
    address, _, port = str(text).rpartition(":")
    if not address or not port.isdigit():
        return None
    return address.strip("[]"), int(port)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@dataclass
class AddressBook:
    """Who owns which address and which address:port, from the inventories and from the hosts' own reports."""

    addresses: dict[str, set[str]] = field(default_factory=dict)
    endpoints: dict[tuple[str, int], str] = field(default_factory=dict)

    def address(self, address: str, system: str) -> None:
        if address and not _loopback(address):
            self.addresses.setdefault(address, set()).add(system)

    def endpoint(self, address: str, port: int, system: str) -> None:
        if address and not _loopback(address):
            self.endpoints[(address, port)] = system

    def owner(self, address: str, port: int | None = None) -> str | None:
        if port is not None and (address, port) in self.endpoints:
            return self.endpoints[(address, port)]
        owners = self.addresses.get(address, set())
        return next(iter(owners)) if len(owners) == 1 else None


@dataclass(frozen=True)
class HostReport:
    """What one source host said in one run (the connections module's result, the facts module's result)."""

    host: str
    system: str
    wave: str
    addresses: Sequence[str] = ()
    listening: Sequence[str] = ()
    connections: Sequence[Mapping[str, Any]] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


def learn(book: AddressBook, reports: Iterable[HostReport]) -> AddressBook:
    """Adds what the hosts said of themselves: their addresses and what they listen on."""
    for r in reports:
        for a in r.addresses:
            book.address(a, r.system)
        for text in r.listening:
            end = endpoint(text)
            if end is None:
                continue
            for a in r.addresses if end[0] in WILDCARDS else [end[0]]:
                book.endpoint(a, end[1], r.system)
    return book


def _ports(report: HostReport) -> set[int]:
    return {end[1] for text in report.listening if (end := endpoint(text))}


def dependencies(reports: Sequence[HostReport], book: AddressBook) -> list[Connection]:
    """One run's dependencies, one per (from, to, port)."""
    found: dict[tuple[str, str, int], tuple[datetime, datetime, int]] = {}
    for r in reports:
        listens, own = _ports(r), set(r.addresses)
        for c in r.connections:
            local, remote = endpoint(str(c.get("local", ""))), endpoint(str(c.get("remote", "")))
            if local is None or remote is None or _loopback(remote[0]) or remote[0] in own:
                continue
            if local[1] in listens:  # inbound: the remote end depends on this system
                client = book.owner(remote[0])
                if client is None or client == r.system:
                    continue
                edge = (client, r.system, local[1])
            else:
                server = book.owner(*remote)
                if server == r.system:
                    continue
                edge = (r.system, server or f"{remote[0]}:{remote[1]}", remote[1])
            try:
                _add(found, edge, c)
            except (KeyError, ValueError, TypeError):  # a sighting without its times: not evidence
                continue
    return [
        Connection.model_validate(
            {"from": e[0], "to": e[1], "port": e[2], "first_seen": f, "last_seen": la, "samples": n}
        )
        for e, (f, la, n) in sorted(found.items())
    ]


def _add(
    found: dict[tuple[str, str, int], tuple[datetime, datetime, int]],
    edge: tuple[str, str, int],
    c: Mapping[str, Any],
) -> None:
    first = datetime.fromisoformat(str(c["first_seen"]))
    last = datetime.fromisoformat(str(c.get("last_seen") or c["first_seen"]))
    samples = max(1, int(c.get("samples") or 1))
    old = found.get(edge)
    if old is not None:
        first, last, samples = min(first, old[0]), max(last, old[1]), max(samples, old[2])
    found[edge] = (first, last, samples)


def facts_of(report: HostReport, at: datetime) -> HostFacts:
    """The host's facts as its facts module reported them."""
    f = report.facts
    return HostFacts(
        host=report.host,
        system=report.system,
        wave=report.wave,
        observed_at=at,
        cpus=int(f.get("cpus") or 0),
        memory_bytes=int(f.get("memory_bytes") or 0),
        addresses=sorted(set(report.addresses)),
        data=[DataUse.model_validate(d) for d in f.get("data") or [] if isinstance(d, Mapping)],
        databases=[
            DatabaseFact.model_validate({"index": i, **{k: d[k] for k in DB_KEYS if k in d}})
            for i, d in enumerate(f.get("databases") or [])
            if isinstance(d, Mapping)
        ],
    )


DB_KEYS = ("name", "declared_engine", "measured", "engine", "version", "size_bytes", "why")
