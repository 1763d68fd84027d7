"""Kubernetes resource quantities, summed for quotas and VM sizes (millicores and mebibytes)."""

from __future__ import annotations

import math
import re

_UNITS = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")


def millicores(cpu: str) -> int:
    match = _QUANTITY.match(cpu)
    if not match:
        raise ValueError(f"not a CPU quantity: {cpu}")
    number, unit = float(match.group(1)), match.group(2) or ""
    return math.ceil(number) if unit == "m" else math.ceil(number * _UNITS[unit] * 1000)


def mebibytes(memory: str) -> int:
    match = _QUANTITY.match(memory)
    if not match:
        raise ValueError(f"not a memory quantity: {memory}")
    number, unit = float(match.group(1)), match.group(2) or ""
    if unit == "m":
        return math.ceil(number / 1000 / 2**20)
    return math.ceil(number * _UNITS[unit] / 2**20)


def cpu(mc: int) -> str:
    return f"{mc // 1000}" if mc % 1000 == 0 else f"{mc}m"


def memory(mib: int) -> str:
    return f"{mib // 1024}Gi" if mib % 1024 == 0 else f"{mib}Mi"


def gib(size_gb: float) -> str:
    return f"{max(1, math.ceil(size_gb))}Gi"
