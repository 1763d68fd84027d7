"""Plan intake off the event loop: parsing and validating an upload run in a bounded pool of worker threads, and
a department has only so many uploads in hand at once, so one department's large plan never stalls the pages
everyone else is reading (the event loop answers them meanwhile) and a flood from one department waits its turn
or is refused."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import anyio
import anyio.to_thread
from fastapi import HTTPException, Request

from .._gcpause import paused_gc
from .deps import said

T = TypeVar("T")
BUSY_RETRY_SECONDS = 30
"""What a department told to wait for its own upload in hand is asked to wait (about a large plan's check)."""


class IntakePool:
    def __init__(self, workers: int, per_department: int) -> None:
        self.limiter = anyio.CapacityLimiter(workers)
        """Uploads parsed at once in this process, every department together (each may cost a gigabyte)."""
        self.per_department = per_department
        self.busy: Counter[str] = Counter()

    @asynccontextmanager
    async def turn(self, department: str) -> AsyncIterator[None]:
        """One of the department's uploads in hand, from before its body is read until it is answered; 429
        (Retry-After) when the department already has as many in hand as it may."""
        if self.busy[department] >= self.per_department:
            raise busy(department, self.per_department)
        self.busy[department] += 1
        try:
            yield
        finally:
            self.busy[department] -= 1
            if not self.busy[department]:
                del self.busy[department]

    async def run(self, work: Callable[[], T]) -> T:
        """`work` in a pool thread, waiting for a free one: the event loop goes on answering. The cyclic
        collector is paused meanwhile: a 19 MB plan makes millions of containers, and each full collection
        over them holds the GIL for seconds (the event loop's longest stall, measured: 1.7 s of a 4,000-system
        parse; 0.26 s paused), to find no cycle; reference counting frees them."""

        def paused() -> T:
            with paused_gc():
                return work()

        return await anyio.to_thread.run_sync(paused, limiter=self.limiter)


def busy(department: str, most: int) -> HTTPException:
    refused = said(
        429,
        f"部门 {department} 已有 {most} 份计划正在校验，请待其完成后再提交",
        f"department {department} already has {most} plan(s) being checked: send again once done",
    )
    refused.headers = {"Retry-After": str(BUSY_RETRY_SECONDS)}
    return refused


def intake_pool(request: Request) -> IntakePool:
    pool: IntakePool = request.app.state.intake
    return pool
