"""A cycle pauses the cyclic collector and gives it back as it found it, however cycles overlap."""

from __future__ import annotations

import gc

from orchestrator._gcpause import PausedGC


def test_the_collector_is_paused_for_the_cycle_and_resumed_as_it_was() -> None:
    pause = PausedGC()
    assert gc.isenabled()
    with pause():
        assert not gc.isenabled()
        with pause():  # a second monitor's cycle in the same process
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first is still running
    assert gc.isenabled()
    gc.disable()
    try:
        with pause():
            pass
        assert not gc.isenabled()  # it was off: a cycle does not switch it on
    finally:
        gc.enable()


def test_a_failing_cycle_still_resumes_the_collector() -> None:
    pause = PausedGC()
    try:
        with pause():
            raise RuntimeError("the store is down")
    except RuntimeError:
        pass
    assert gc.isenabled()
