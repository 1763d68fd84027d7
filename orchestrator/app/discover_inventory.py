"""Where discovery looks and what it can name: a tree's waves, each wave's source hosts, and every address the
inventories know (a host by its `ansible_host`, or by its name resolved through the site's DNS, a seam), with the
databases' endpoints, in the address book the attribution reads."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..contracts import Tree, load_inventory
from ..contracts import tree as layout
from ..discovery import AddressBook

SOURCES = "private"

Resolver = Callable[[Sequence[str]], dict[str, list[str]]]
"""Host names (as the inventories give them) to their addresses: the seam to the site's DNS."""


def resolve_names(names: Sequence[str], workers: int = 16) -> dict[str, list[str]]:
    """Each name's addresses by the system's resolver, a few at a time; a name that does not resolve has none."""

    def one(name: str) -> list[str]:
        try:
            return sorted({str(a[4][0]) for a in socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)})
        except (OSError, UnicodeError):
            return []

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(one, names), strict=True))


def _literal(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class SourceHost:
    name: str
    system: str
    wave: str


def waves_of(tree: Path) -> list[str]:
    """Every wave the tree has an inventory for."""
    return sorted(
        p.parent.name for p in Tree(tree).glob(layout.inventory("*")) if Tree(tree).has_wave(p.parent.name)
    )


def _groups(group: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, child in (group.get("children") or {}).items():
        yield name, child or {}
        yield from _groups(child or {})


def read_inventory(
    path: Path, wave: str, book: AddressBook, names: dict[str, set[str]] | None = None
) -> list[SourceHost]:
    """The wave's source hosts; every host's address and every database's endpoint into the book (a host known
    by name only goes into `names`, to be resolved)."""
    doc = load_inventory(path.read_text(encoding="utf-8")) or {}
    sources: dict[str, SourceHost] = {}
    for group, body in _groups(doc.get("all") or {}):
        for name, given in (body.get("hosts") or {}).items():
            hostvars = given or {}
            dept, system = hostvars.get("govmig_department"), hostvars.get("govmig_system")
            if not dept or not system:
                continue
            key = f"{dept}/{system}"
            if group != "frontends":  # the front end's address is the site's proxy, shared by every system
                where = str(hostvars.get("ansible_host") or name)
                book.address(where, key)
                if names is not None and not _literal(where):
                    names.setdefault(where, set()).add(key)
            if group == SOURCES:
                sources[str(name)] = SourceHost(str(name), key, wave)
                for db in hostvars.get("govmig_databases") or []:
                    end = db.get("source") if isinstance(db, dict) else None
                    if isinstance(end, dict) and end.get("host") and str(end.get("port", "")).isdigit():
                        book.endpoint(str(end["host"]), int(end["port"]), key)
    return list(sources.values())
