"""The observation file (`observed.yaml`, DOMAIN.md v1.2 "Discovery"): the connections seen on the sources' hosts
and each host's facts, as `govmig discover` writes it and `plan`/`validate --observed` read it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

SYSTEM_KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]*/[a-z0-9][a-z0-9-]*")
GIB = 1024**3


def _system_key(value: str) -> str:
    """A portfolio-wide system key, "DEPT/id" (intake's words for a reference when it is not one)."""
    if not SYSTEM_KEY.fullmatch(value):
        raise PydanticCustomError("reference", "not a system key DEPT/id")
    return value


SystemKey = Annotated[str, AfterValidator(_system_key)]


class Connection(BaseModel):
    """A dependency seen: `from` a system to a system (`DEPT/ID`) or to a peer outside the portfolio
    (`ADDRESS:PORT`), on `port`, in `samples` samples between `first_seen` and `last_seen`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: Annotated[SystemKey, Field(alias="from")]
    to: Annotated[str, Field(min_length=3, max_length=300)]
    port: Annotated[int, Field(ge=1, le=65535)]
    first_seen: datetime
    last_seen: datetime
    samples: Annotated[int, Field(ge=1)]

    @property
    def outside(self) -> bool:
        """The peer is no system of the portfolio: it is named by its address."""
        return "/" not in self.to

    @property
    def key(self) -> tuple[str, str, int]:
        return self.from_, self.to, self.port


class DataUse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    used_bytes: Annotated[int, Field(ge=0)]
    files: Annotated[int, Field(ge=0)] = 0
    truncated: bool = False
    missing: bool = False


class DatabaseFact(BaseModel):
    """A database the inventory names on the host, as its engine answered (or why it could not be asked)."""

    model_config = ConfigDict(extra="forbid")
    index: Annotated[int, Field(ge=0)]
    """Its place among the system's declared databases (the inventory keeps the plan's order)."""
    name: str | None = None
    declared_engine: str | None = None
    measured: bool = False
    engine: str | None = None
    version: str | None = None
    size_bytes: Annotated[int, Field(ge=0)] | None = None
    why: str | None = None


class HostFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    host: str
    system: SystemKey
    wave: str | None = None
    observed_at: datetime
    cpus: Annotated[int, Field(ge=0)] = 0
    memory_bytes: Annotated[int, Field(ge=0)] = 0
    addresses: list[str] = Field(default_factory=list)
    data: list[DataUse] = Field(default_factory=list)
    databases: list[DatabaseFact] = Field(default_factory=list)

    @property
    def data_bytes(self) -> int:
        return sum(d.used_bytes for d in self.data)


class Run(BaseModel):
    """One `govmig discover` run that the file holds."""

    model_config = ConfigDict(extra="forbid")
    wave: str
    at: datetime
    window_seconds: Annotated[float, Field(ge=0)]
    hosts: Annotated[int, Field(ge=0)]
    failed: list[str] = Field(default_factory=list)
    """Hosts that could not be observed (unreachable, a failed task)."""


class Observation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    runs: list[Run] = Field(default_factory=list)
    connections: list[Connection] = Field(default_factory=list)
    hosts: list[HostFacts] = Field(default_factory=list)

    def document(self) -> dict[str, object]:
        """As written to the file: `from` spelled as the contract spells it."""
        return self.model_dump(mode="json", by_alias=True)

    def outside(self) -> list[Connection]:
        return [c for c in self.connections if c.outside]
