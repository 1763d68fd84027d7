"""`govmig status` and the wave page never say `running` with nothing running it: the holder and since when, or
why nobody holds it (queued and why, or stopped without finishing: resume it)."""

from __future__ import annotations

import uuid

from orchestrator.app import holding
from orchestrator.store import Leases, RunQueue, Store, open_store


def test_who_holds_a_wave_or_why_nobody_does(store_url: str) -> None:
    engine = open_store(store_url)
    store, record = Store(engine), f"W{uuid.uuid4().hex[:8]}"
    store.open_wave(record, ["630000-T/a"], "/t", False, 1, "ops")  # running, as a crashed run leaves it
    nobody = holding(store, record)
    assert nobody["holder"] is None and "govmig resume" in nobody["why"]["zh"]
    assert "nobody runs it" in nobody["why"]["en"]
    assert Leases(engine).claim(record, "o", "ops-wang", "host-a", 42) is None
    held = holding(store, record)
    assert held["why"] is None and held["holder"]["actor"] == "ops-wang" and held["holder"]["pid"] == 42
    assert held["holder"]["token"] >= 1 and held["holder"]["since"]
    Leases(engine).release(record, "o")
    queue = RunQueue(engine)
    job = queue.enqueue("run", record, record, f"/t/{record}", "ops")
    claimed = queue.claim("w:1:x", f"/t/{record}", 30)
    assert claimed is not None
    queue.finish(job.id, "w:1:x", "queued", "the store has been out of reach for 60 s", token=claimed.claims)
    put_back = holding(store, record)
    assert put_back["holder"] is None and "out of reach" in put_back["why"]["en"]
    assert "排队等待执行器" in put_back["why"]["zh"]
