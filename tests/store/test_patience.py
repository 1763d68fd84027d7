"""A run's store calls wait out a store out of reach, boundedly: retried on connection errors with backoff, a
refusal never retried, StoreGone once the outage passes the bound (and at once for the run's later calls), and a
step begun or ended whose commit landed before its connection died written once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from orchestrator.store import Patience, Store, StoreGone, open_store


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def down(message: str = "connection refused") -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception(message))


def test_a_blip_is_waited_out_and_said_once() -> None:
    clock, heard = Clock(), []
    patience = Patience(
        bound=10, sleep=clock.sleep, clock=clock, on_outage=heard.append, on_back=heard.append
    )
    tries = iter([down(), down(), down(), "ok"])

    def op() -> str:
        got = next(tries)
        if isinstance(got, Exception):
            raise got
        return got

    assert patience.call(op) == "ok"
    assert heard == [0.0, pytest.approx(0.7)]  # told once when it went, once when it came back
    assert patience.out_since is None


def test_past_the_bound_the_run_stops_and_its_later_calls_at_their_first_failure() -> None:
    clock = Clock()
    patience = Patience(bound=5, sleep=clock.sleep, clock=clock)

    def never() -> None:
        raise down()

    with pytest.raises(StoreGone) as gone:
        patience.call(never)
    assert 5 <= clock.now < 5 + 2.5 and "状态库" in gone.value.zh and "out of reach" in gone.value.en
    before = clock.now
    with pytest.raises(StoreGone):
        patience.call(never)
    assert clock.now == before  # no second wait of the bound


def test_refusals_are_not_retried() -> None:
    clock = Clock()
    patience = Patience(bound=5, sleep=clock.sleep, clock=clock)
    calls = []

    def refused() -> None:
        calls.append(1)
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    with pytest.raises(IntegrityError):
        patience.call(refused)
    with pytest.raises(OperationalError):
        patience.call(lambda: (_ for _ in ()).throw(down("database or disk is full")))
    assert calls == [1] and clock.now == 0


def test_a_step_whose_commit_landed_is_written_once_on_its_retry(tmp_path: pytest.TempPathFactory) -> None:
    store = Store(open_store(f"sqlite:///{tmp_path}/s.db"))  # type: ignore[operator]
    wave = f"W{uuid.uuid4().hex[:6]}"
    store.open_wave(wave, ["630000-T/a"], "/t", False, 1, "ops")
    landed = {"n": 0}
    real = store._begin_step

    def lost_ack(*args: object) -> int:  # the commit lands, the answer is lost with the connection
        result = real(*args)  # type: ignore[arg-type]
        landed["n"] += 1
        if landed["n"] == 1:
            raise down("server closed the connection unexpectedly")
        return result

    store._begin_step = lost_ack  # type: ignore[method-assign]
    patient = store.patient(Patience(bound=5, sleep=lambda _s: None))
    assert patient.begin_step(wave, "630000-T/a", "precheck", "ops") == 1
    assert [(e.step, e.status) for e in store.step_log(wave)] == [("precheck", "started")]
    assert store.system(wave, "630000-T/a").attempts == 1
