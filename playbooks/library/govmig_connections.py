#!/usr/bin/python
"""The TCP connections of a host, sampled over a bounded window: what `govmig discover` reads on the sources.

Each sample lists the listening sockets and the established connections, from `ss -Htan` where it is installed and
from /proc/net/tcp and /proc/net/tcp6 where it is not; the host's own addresses come from `ip -o addr show` (or,
without `ip`, from the local ends seen). The samples are folded on the host into one entry per connection (local
and remote end, how many samples saw it, the first and the last time), so what comes back is bounded by
`max_connections` whatever the window. Nothing is written anywhere: it reads, and it runs the same in check mode.
"""

from __future__ import annotations

import ipaddress
import os
import time
from datetime import datetime, timezone
from typing import Any, Tuple

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: govmig_connections
short_description: TCP connections and listening sockets sampled over a window (govmig discover)
options:
  samples: {type: int, default: 5, description: how many samples (1 to 60)}
  interval: {type: float, default: 1.0, description: seconds between two samples (0 to 600)}
  max_connections: {type: int, default: 2000, description: distinct connections reported at most}
"""

LISTEN, ESTABLISHED = "0A", "01"
Endpoint = Tuple[str, int]


def _split(end: str) -> Endpoint | None:
    """`ss`'s "10.0.0.1:5432", "[::ffff:10.0.0.1]:5432" or "*:22" as (address, port)."""
    address, _, port = end.rpartition(":")
    if not port.isdigit():
        return None
    address = address.strip("[]").split("%")[0]
    if address.startswith("::ffff:"):
        address = address[7:]
    return ("0.0.0.0" if address in ("*", "") else address), int(port)


def _hex_address(text: str) -> Endpoint | None:
    """/proc/net/tcp{,6}'s "0100007F:1538" as ("127.0.0.1", 5432)."""
    raw, _, port = text.partition(":")
    try:
        packed = bytes.fromhex(raw)
        if len(packed) == 4:
            address = str(ipaddress.IPv4Address(packed[::-1]))
        else:  # four little-endian 32-bit words
            words = b"".join(packed[i : i + 4][::-1] for i in range(0, 16, 4))
            v6 = ipaddress.IPv6Address(words)
            address = str(v6.ipv4_mapped) if v6.ipv4_mapped else str(v6)
        return address, int(port, 16)
    except ValueError:
        return None


def from_ss(text: str) -> tuple[list[Endpoint], list[tuple[Endpoint, Endpoint]]]:
    listening: list[Endpoint] = []
    established: list[tuple[Endpoint, Endpoint]] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        local, remote = _split(fields[3]), _split(fields[4])
        if local is None:
            continue
        if fields[0] == "LISTEN":
            listening.append(local)
        elif fields[0] == "ESTAB" and remote is not None:
            established.append((local, remote))
    return listening, established


def from_proc(texts: list[str]) -> tuple[list[Endpoint], list[tuple[Endpoint, Endpoint]]]:
    listening: list[Endpoint] = []
    established: list[tuple[Endpoint, Endpoint]] = []
    for text in texts:
        for line in text.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 4:
                continue
            local, remote = _hex_address(fields[1]), _hex_address(fields[2])
            if local is None:
                continue
            if fields[3] == LISTEN:
                listening.append(local)
            elif fields[3] == ESTABLISHED and remote is not None:
                established.append((local, remote))
    return listening, established


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def own_addresses(module: AnsibleModule) -> list[str]:
    ip = module.get_bin_path("ip")
    if ip is None:
        return []
    rc, out, _ = module.run_command([ip, "-o", "addr", "show"])
    found = []
    for line in out.splitlines() if rc == 0 else []:
        fields = line.split()
        if len(fields) > 3 and fields[2] in ("inet", "inet6"):
            found.append(fields[3].split("/")[0])
    return sorted(set(found))


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "samples": {"type": "int", "default": 5},
            "interval": {"type": "float", "default": 1.0},
            "max_connections": {"type": "int", "default": 2000},
        },
        supports_check_mode=True,
    )
    samples = max(1, min(60, int(module.params["samples"])))
    interval = max(0.0, min(600.0, float(module.params["interval"])))
    limit = max(1, int(module.params["max_connections"]))
    ss = module.get_bin_path("ss")
    listening: dict[Endpoint, int] = {}
    seen: dict[tuple[Endpoint, Endpoint], dict[str, Any]] = {}
    truncated, used = False, set()
    for n in range(samples):
        if n:
            time.sleep(interval)
        at = _now()
        rc, out = (module.run_command([ss, "-H", "-t", "-a", "-n"])[:2]) if ss else (1, "")
        if rc == 0:
            heard, established = from_ss(out)
            used.add("ss")
        else:
            used.add("proc")
            heard, established = from_proc([_read("/proc/net/tcp"), _read("/proc/net/tcp6")])
        for end in heard:
            listening[end] = listening.get(end, 0) + 1
        for pair in set(established):
            entry = seen.get(pair)
            if entry is None:
                if len(seen) >= limit:
                    truncated = True
                    continue
                entry = seen[pair] = {"first_seen": at, "samples": 0}
            entry["last_seen"] = at
            entry["samples"] += 1
    addresses = own_addresses(module) or sorted({a for (a, _), _ in seen} | {a for a, _ in listening})
    module.exit_json(
        changed=False,
        source=",".join(sorted(used)),
        samples=samples,
        hostname=os.uname()[1],
        addresses=addresses,
        listening=sorted(f"{a}:{p}" for a, p in listening),
        connections=[
            {"local": f"{la}:{lp}", "remote": f"{ra}:{rp}", **entry}
            for ((la, lp), (ra, rp)), entry in sorted(seen.items())
        ],
        truncated=truncated,
    )


if __name__ == "__main__":
    main()
