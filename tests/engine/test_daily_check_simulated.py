"""The daily check played by the pad simulator, through the protocol, into `CheckRunner`.

The simulator's person is scripted (it does not react to the cues): after the quiet-stance cue
they stand still, eyes open, for a while (`CUE_PAUSE_S`) before stepping into tandem stance, so a
tandem trial that started from the posture the person already held would start too early and
then "fail" when they move their feet (the bug this guards against). Every seed must give each
trial's start and hold time within `TOLERANCE_S` of the script:

- tandem: the hold is timed from `SETTLE_S` (the detector's `settle_s`, 1.5 s) after the scripted
  end of the move into tandem — the person is in tandem and has stood still for the settling
  period, which is the scripted "tandem" phase — to the start of the step out;
- single-leg: from the end of the lift to the start of the touch-down (or to the cap).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from custom_components.retro_balance.engine.detection.daily_check import CheckPlan, CheckRunner
from custom_components.retro_balance.engine.detection.stance import (
    DetectorConfig,
    EndReason,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.cop import PadGeometry
from custom_components.retro_balance.engine.wire import protocol
from pad_simulator.scenarios import generate
from pad_simulator.timelines import SETTLE_S, ScenarioOptions, Span, build_timeline, timeline_spans

GEOMETRY = PadGeometry(width_mm=433.0, depth_mm=238.0)
T0_MS = 2000
TOLERANCE_S = 0.2
TIMED = {"tandem", "single_leg_left", "single_leg_right"}


@dataclass(frozen=True)
class Case:
    """One simulated person: weight, when they lose balance (None: hold past the cap)."""

    weight_kg: float
    lose_balance_at_s: float | None


def case_for(seed: int) -> Case:
    """Vary the person with the seed: three weights, losses at 8, 12 and 14 s, or the cap."""
    weight_kg = (55.0, 70.0, 84.0)[seed % 3]
    lose_at_s = (8.0, 12.0, 14.0, None)[seed % 4]
    return Case(weight_kg, lose_at_s)


def run_check(seed: int, case: Case) -> tuple[CheckRunner, list[Span]]:
    """Feed the simulated daily check through the sequencer into a default `CheckRunner`."""
    options = ScenarioOptions(weight_kg=case.weight_kg, lose_balance_at_s=case.lose_balance_at_s)
    spans = timeline_spans(build_timeline("daily-check", options))
    runner = CheckRunner(CheckPlan(), GEOMETRY)
    sequencer = protocol.FrameSequencer()
    messages = generate(
        "daily-check",
        seed=seed,
        t0_ms=T0_MS,
        weight_kg=case.weight_kg,
        lose_balance_at_s=case.lose_balance_at_s,
    )
    for _, kind, payload in messages:
        if kind != "frames":
            continue
        frame = protocol.parse_frame(payload)
        check = sequencer.check(frame)
        if check.accepted:
            # Simulator clock: pad clock minus the clock at the first sample.
            runner.feed(frame.cells_kg, check.t_first_s - T0_MS / 1000.0, frame.rate_hz)
    return runner, spans


def scripted_holds(spans: list[Span], cap_s: float) -> list[tuple[str, float, float]]:
    """(test, start, hold) of every timed trial in the script, capped like the detector."""
    return [
        (span.label, span.start_s, min(span.end_s - span.start_s, cap_s))
        for span in spans
        if span.label in TIMED
    ]


def describe(result: StanceResult) -> str:
    return f"{result.test.value} {result.hold_time_s:.2f} s from {result.started_at_s:.2f}"


@pytest.mark.parametrize("seed", range(24))
def test_every_trial_is_timed_like_the_script(seed: int) -> None:
    case = case_for(seed)
    runner, spans = run_check(seed, case)
    cap_s = runner.config.cap_s
    assert runner.complete
    quiet, *timed = runner.results
    assert quiet.test is StanceTest.QUIET_EYES_CLOSED
    assert quiet.end_reason is EndReason.CAP
    expected = scripted_holds(spans, cap_s)
    # No false starts: exactly the scripted trials, in order, each one started in its own phase.
    assert [r.test.value for r in timed] == [label for label, _, _ in expected], [
        describe(r) for r in timed
    ]
    for result, (label, start_s, hold_s) in zip(timed, expected, strict=True):
        assert result.started_at_s == pytest.approx(start_s, abs=TOLERANCE_S), describe(result)
        assert result.hold_time_s == pytest.approx(hold_s, abs=TOLERANCE_S), describe(result)
        lost = case.lose_balance_at_s is not None
        assert result.end_reason is (EndReason.TOUCHED_DOWN if lost else EndReason.CAP), label


def test_tandem_starts_settle_s_after_the_feet_are_in_place() -> None:
    """The convention above, spelled out on the script itself."""
    spans = timeline_spans(build_timeline("daily-check", ScenarioOptions()))
    labels = [span.label for span in spans]
    last_move = max(i for i, label in enumerate(labels) if label == "to_tandem")
    settle, hold = spans[last_move + 1], spans[last_move + 2]
    assert (settle.label, hold.label) == ("settle", "tandem")
    assert hold.start_s == pytest.approx(spans[last_move].end_s + SETTLE_S)
    # The person stands still after the quiet-stance cue for longer than the detector settles.
    quiet = next(span for span in spans if span.label == "quiet_eyes_closed")
    still_s = spans[labels.index("to_tandem")].start_s - quiet.start_s - 30.0
    assert still_s > DetectorConfig().settle_s + 1.0
