"""The execution health gate asks Prometheus: the target's probe must have held through the hold window."""

from __future__ import annotations

from orchestrator.monitor import ProbeHeld, connect
from tests.monitor import lab
from tests.monitor.conftest import Stack


def test_the_gate_passes_a_steady_probe_and_stops_a_failed_or_unknown_one(stack: Stack) -> None:
    for app in stack.apps.values():
        app.mode = "up"
        if app.server is None:
            app.start()
    steady, victim = list(stack.apps)[:2]
    gate = ProbeHeld(connect(stack.prometheus.url, 5), hold_seconds=4)
    assert lab.wait_until(lambda: gate(steady).ok, 30, 0.5), gate(steady).reason
    stack.apps[victim].stop()
    try:
        assert lab.wait_until(lambda: not gate(victim).ok, 20, 0.5)
        assert gate(victim).reason == "probe failed within the last 4s"
        assert gate(steady).ok
    finally:
        stack.apps[victim].start()
    assert gate("630000-NONE/nothing").reason == "no probe of 630000-NONE/nothing in Prometheus"
    assert not ProbeHeld(connect("http://127.0.0.1:9", 2))(steady).ok
