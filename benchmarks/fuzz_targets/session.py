"""The session state machine (`CheckRunner`) fed generated frame sequences and stops directly."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEvent,
    CheckEventKind,
    CheckRunner,
)
from custom_components.retro_balance.engine.detection.stance_result import StanceResult, StanceTest

from .harness import Stats, Target

HALF_WIDTH_CM = 43.3 / 2
HALF_DEPTH_CM = 23.8 / 2
POSTURES = {  # segment kind → (fraction of body mass, ML cm, AP cm)
    "empty": (0.0, 0.0, 0.0),
    "both_feet": (1.0, 0.0, 0.0),
    "left_foot": (1.0, -9.0, 0.5),
    "right_foot": (1.0, 9.0, 0.5),
    "tandem": (1.0, 0.5, 2.0),
    "grab": (0.6, 0.0, 0.0),
}
# Mostly a person on a working pad (so that tests start, hold and end), often something odd.
SEGMENTS = (*POSTURES, "both_feet", "both_feet", "missing", "spike", "garbage", "wrong_shape")
GAPS_S = (0.0,) * 8 + (0.004, 0.3, 1.5, 30.0, 1e6, -0.005, -2.0, -1e6, math.nan, math.inf)
RATES_HZ = (80.0,) * 8 + (1.0, 1000.0, 1e6, 1e-6, 0.0, -80.0, math.nan, math.inf)


@dataclass(frozen=True)
class Segment:
    """`frames` frames of `samples` samples in one posture (or garbage), after a gap."""

    kind: str
    frames: int
    samples: int
    rate_hz: float
    gap_s: float
    seed: int


@dataclass(frozen=True)
class Stop:
    """A cancel (the button, a service call) or the watchdog's lost signal, `after_s` late."""

    how: str
    after_s: float


@dataclass(frozen=True)
class Session:
    """A check plan, a person and what happens on the pad."""

    plan: CheckPlan
    body_mass_kg: float
    sway_cm: float
    steps: tuple[Segment | Stop, ...]


segments = st.builds(
    Segment,
    kind=st.sampled_from(SEGMENTS),
    frames=st.integers(1, 40),
    samples=st.sampled_from([10, 10, 10, 1, 2, 50]),
    rate_hz=st.sampled_from(RATES_HZ),
    gap_s=st.sampled_from(GAPS_S),
    seed=st.integers(0, 2**32 - 1),
)
stops = st.builds(
    Stop,
    how=st.sampled_from(["cancel", "cancel", "lose_signal"]),
    after_s=st.sampled_from([0.0, 0.5, -3.0, 1e6, math.nan, math.inf]),
)
plans = st.builds(
    CheckPlan,
    tests=st.lists(st.sampled_from(list(StanceTest)), min_size=1, max_size=4, unique=True).map(
        tuple
    ),
    trials=st.integers(1, 3),
    cap_s=st.sampled_from([10.0, 10.0, 30.0, 60.0]),
    wait_timeout_s=st.sampled_from([None, 1.0, 5.0]),
)
sessions = st.builds(
    Session,
    plan=plans,
    body_mass_kg=st.sampled_from([70.0, 70.0, 15.0, 25.0, 140.0]),
    sway_cm=st.sampled_from([0.05, 0.3, 2.0]),
    steps=st.lists(st.one_of(segments, segments, segments, stops), max_size=14).map(tuple),
)


def corner_loads(total_kg: Any, ml_cm: Any, ap_cm: Any) -> FloatArray:
    """Corner loads (n, 4) that put the COP at (ml, ap) on a Wii-sized pad (cop.py inverted)."""
    x = np.clip(np.asarray(ml_cm) / HALF_WIDTH_CM, -1.0, 1.0)
    y = np.clip(np.asarray(ap_cm) / HALF_DEPTH_CM, -1.0, 1.0)
    left, right, top, bottom = (1 - x) / 2, (1 + x) / 2, (1 + y) / 2, (1 - y) / 2
    corners = np.column_stack((left * top, right * top, left * bottom, right * bottom))
    loads: FloatArray = corners * np.reshape(total_kg, (-1, 1))
    return loads


def segment_frames(segment: Segment, session: Session) -> list[Any]:
    """The segment's frames as corner-load arrays (or garbage), from its seed."""
    rng = np.random.default_rng(segment.seed)
    n = segment.samples
    frames: list[Any] = []
    for _ in range(segment.frames):
        if segment.kind == "garbage":
            pool = np.array([np.nan, np.inf, -np.inf, 1e308, -1e308, 0.0, -5.0, 1e3, 60.0])
            frames.append(np.where(rng.random((n, 4)) < 0.5, rng.choice(pool, (n, 4)), 20.0))
            continue
        if segment.kind == "wrong_shape":
            frames.append(
                [np.zeros((n, 3)), np.zeros(4), np.zeros((n, 4, 1)), [["a"] * 4] * n, []][
                    int(rng.integers(5))
                ]
            )
            continue
        fraction, ml_cm, ap_cm = POSTURES.get(segment.kind, POSTURES["both_feet"])
        sway = np.cumsum(rng.normal(0.0, session.sway_cm / 10, (2, n)), axis=1)
        total = session.body_mass_kg * fraction + rng.normal(0.0, 0.05, n)
        loads = corner_loads(total, ml_cm + sway[0], ap_cm + sway[1])
        if segment.kind == "missing":
            loads[rng.random((n, 4)) < 0.3] = np.nan
        elif segment.kind == "spike":
            loads[int(rng.integers(n)), int(rng.integers(4))] += 60.0
        frames.append(loads)
    return frames


def _snapshot(runner: CheckRunner) -> tuple[Any, ...]:
    return (
        runner.current_test,
        runner.trial,
        runner.test_number,
        runner.elapsed_s,
        runner.holding,
        runner.finished,
        runner.results,
    )


def check_events(runner: CheckRunner, events: Sequence[CheckEvent], seen: Counter[str]) -> None:
    """The runner's event and result invariants after one call that returned `events`."""
    for event in events:
        assert seen["check_finished"] == 0, f"{event.kind} after check_finished"
        assert math.isfinite(event.time_s), f"{event.kind} at {event.time_s}"
        seen[event.kind.value] += 1
        if event.kind is CheckEventKind.TRIAL_FINISHED:
            assert event.result is not None
            check_result(event.result, runner.plan)
            seen[f"end:{event.result.end_reason.value}"] += 1
    assert runner.finished == (seen["check_finished"] == 1)
    assert len(runner.results) == seen["trial_finished"]
    assert 0.0 <= runner.elapsed_s <= runner.plan.cap_s
    if runner.complete:
        # A result: held (completed), or the person could not take the position (outcomes.py).
        done = {r.test for r in runner.results if r.completed or r.position_not_taken}
        assert done >= set(runner.plan.tests), "complete without a result for every test"


def check_result(result: StanceResult, plan: CheckPlan) -> None:
    """A result is within its limits and survives storage (strict JSON and back)."""
    assert result.test in plan.tests
    assert 0.0 <= result.hold_time_s <= plan.cap_s, result
    assert math.isfinite(result.started_at_s)
    assert math.isfinite(result.body_mass_kg)
    assert result.body_mass_kg >= 0.0
    if result.sway is not None:
        assert all(math.isfinite(value) for value in result.sway.as_dict().values()), result.sway
    stored = json.loads(json.dumps(result.as_dict(), allow_nan=False))
    assert StanceResult.from_dict(stored) == result


def _check_session(session: Session, stats: Stats) -> None:
    runner = CheckRunner(session.plan)
    seen: Counter[str] = Counter()
    clock_s = 100.0
    last_s = clock_s
    for step in session.steps:
        if isinstance(step, Stop):
            stats.tried += 1
            before = _snapshot(runner)
            when_s = last_s + step.after_s
            try:
                events = (
                    runner.cancel(when_s)
                    if step.how == "cancel"
                    else runner.lose_signal(when_s if math.isfinite(when_s) else last_s)
                )
            except ValueError:
                assert not math.isfinite(when_s), "cancel refused a finite time"
                assert _snapshot(runner) == before, "a refused cancel changed the check"
                stats.rejected["cancel:non_finite_time"] += 1
                continue
            stats.accepted += 1
            if before[5]:  # already finished: nothing more may happen
                assert events == [], "events after the check finished"
                stats.outcomes[f"{step.how} after the end"] += 1
            check_events(runner, events, seen)
            continue
        for index, cells in enumerate(segment_frames(step, session)):
            stats.tried += 1
            t_first_s = clock_s + (step.gap_s if index == 0 else 0.0)
            before = _snapshot(runner)
            try:
                events = runner.feed(cells, t_first_s, step.rate_hz)
            except ValueError as err:
                _refused_frame(err, runner, before, stats)
                continue
            stats.accepted += 1
            check_events(runner, events, seen)
            if math.isfinite(t_first_s) and math.isfinite(step.rate_hz) and step.rate_hz > 0:
                clock_s = last_s = t_first_s + len(cells) / step.rate_hz
    stats.outcomes.update(key for key in seen if key.startswith(("hold", "end:", "check")))


def _refused_frame(
    err: ValueError, runner: CheckRunner, before: tuple[Any, ...], stats: Stats
) -> None:
    assert _snapshot(runner) == before, f"a refused frame changed the check: {err}"
    stats.rejected[f"feed:{value_error_reason(err)}"] += 1


def value_error_reason(err: ValueError) -> str:
    text = str(err)
    if text.startswith("frame starts at"):
        return "time_order"
    return text.split(" ", 1)[0]


SESSION = Target("session", sessions, _check_session)
