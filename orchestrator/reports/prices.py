"""A site's price list (`prices.yaml`, 服务度量计价): what one allocated unit costs for a whole month, in yuan.

Amounts are Decimal throughout and rounded once, per system, to the fen (0.01 CNY, half up); every total is the sum
of those rounded amounts, so a department's total is exactly the sum of its systems' lines and the grand total
the sum of the departments'.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

FEN = Decimal("0.01")
GIB = Decimal(2**30)


class Prices(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: Literal["CNY"] = "CNY"
    vcpu_month: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
    """One vCPU allocated for a whole month."""
    memory_gib_month: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
    """One GiB of memory allocated for a whole month."""
    storage_gib_month: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
    """One GiB of storage allocated for a whole month."""


def to_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def monthly(prices: Prices, vcpu: Decimal, memory_gib: Decimal, storage_gib: Decimal = Decimal(0)) -> Decimal:
    """What holding these units for a whole month costs, to the fen."""
    return to_fen(
        vcpu * prices.vcpu_month
        + memory_gib * prices.memory_gib_month
        + storage_gib * prices.storage_gib_month
    )


def decimal(value: float) -> Decimal:
    """A figure from Prometheus as Decimal, through its shortest repr (4.0 → 4.0, not 4.000000000000000222…)."""
    return Decimal(repr(value))
