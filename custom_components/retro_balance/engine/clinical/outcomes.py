"""What each stance test of a check came to: a hold, a position not taken or kept, or nothing.

Failing to take or keep a position is a result, not a missing value (clinical.md; CDC STEADI:
a person who cannot get into a stance fails that stage; Hile 2012: people who cannot take the
tandem position are the worst performers). Once someone is on the pad and a test was asked for:

- ``position_not_taken``: the test timed out with the person on the pad — no foot lifted, never
  settled into tandem or quiet stance. It counts as a 0-s hold.
- ``stance_not_kept``: quiet stance broken (stepped off, grabbed support) before
  ``MIN_QUIET_HOLD_S``; eyes closed this is a Romberg-type failure. Its actual hold is kept.
- ``held``: a timed hold (single-leg and tandem: any completed trial, however short; quiet stance:
  at least ``MIN_QUIET_HOLD_S``, which is also the least whose sway is compared with norms).
- ``not_measured``: not attempted — nobody on the pad, cancelled, the pad went offline or lost
  its signal, a load too light for a person, or the test was not part of the check.

Trials that do not count are listed in ``left_out`` by their end reason or quality flag (codes,
not prose). Quiet-stance sway speeds are stored without the pad's cell noise (``sway_noise.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..detection.stance_result import EndReason, QualityFlag, StanceResult, StanceTest
from .sway_noise import noise_velocity, without_noise_cm_s

MIN_QUIET_HOLD_S = 10.0
"""Quiet stance kept less than this (CDC STEADI's 10-s stage) was not kept; its sway is not
comparable with the 60-s reference trials either."""


class Outcome(StrEnum):
    """What a test came to (see the module docstring)."""

    HELD = "held"
    POSITION_NOT_TAKEN = "position_not_taken"
    STANCE_NOT_KEPT = "stance_not_kept"
    NOT_MEASURED = "not_measured"


@dataclass(frozen=True, slots=True, kw_only=True)
class Trial:
    """One counted trial: its hold and, when measured, the sway of the hold (noise removed)."""

    hold_s: float
    velocity_cm_s: float | None = None
    velocity_ap_cm_s: float | None = None
    velocity_ml_cm_s: float | None = None

    @property
    def sway_comparable(self) -> bool:
        """Whether the hold is long enough for its sway to be compared with published figures."""
        return self.hold_s >= MIN_QUIET_HOLD_S


@dataclass(frozen=True, slots=True, kw_only=True)
class StanceOutcome:
    """One test of a check: its outcome, the trials that count and what was left out."""

    test: StanceTest
    outcome: Outcome
    cap_s: float | None = None
    trials: tuple[Trial, ...] = ()
    """Trials that count (held, or quiet stance not kept); none for the other outcomes."""
    left_out: tuple[str, ...] = ()

    @property
    def hold_s(self) -> float | None:
        """The best hold: 0 for a position not taken, ``None`` when not measured."""
        if self.outcome is Outcome.POSITION_NOT_TAKEN:
            return 0.0
        if not self.trials:
            return None
        return max(trial.hold_s for trial in self.trials)

    @property
    def least_sway_cm_s(self) -> float | None:
        """Quiet stance: the least sway speed among the trials held long enough to compare."""
        speeds = [
            t.velocity_cm_s
            for t in self.trials
            if t.sway_comparable and t.velocity_cm_s is not None
        ]
        return min(speeds) if speeds else None

    @property
    def measured(self) -> bool:
        """Whether the test gave a result (a hold, or a position not taken or not kept)."""
        return self.outcome is not Outcome.NOT_MEASURED


def not_measured(test: StanceTest) -> StanceOutcome:
    """Return the outcome of a test that was not attempted."""
    return StanceOutcome(test=test, outcome=Outcome.NOT_MEASURED)


def outcomes_from_results(results: Iterable[StanceResult]) -> dict[StanceTest, StanceOutcome]:
    """Each test's outcome from the detector's results (every test, in ``StanceTest`` order)."""
    by_test: dict[StanceTest, list[StanceResult]] = {test: [] for test in StanceTest}
    for result in results:
        if not isinstance(result, StanceResult):
            raise ValueError(f"results must be StanceResult objects, got {type(result).__name__}")
        by_test[result.test].append(result)
    return {test: _outcome(test, trials) for test, trials in by_test.items()}


def _outcome(test: StanceTest, results: list[StanceResult]) -> StanceOutcome:
    counted = [_trial(r) for r in results if r.completed]
    not_taken = [r for r in results if r.position_not_taken]
    left_out = tuple(
        QualityFlag.TOO_LIGHT.value if QualityFlag.TOO_LIGHT in r.quality else r.end_reason.value
        for r in results
        if not r.completed and not r.position_not_taken
    )
    cap_s = max((r.cap_s for r in results), default=None)
    if counted:
        kept = not test.is_quiet or any(t.hold_s >= MIN_QUIET_HOLD_S for t in counted)
        return StanceOutcome(
            test=test,
            outcome=Outcome.HELD if kept else Outcome.STANCE_NOT_KEPT,
            cap_s=cap_s,
            trials=tuple(counted),
            left_out=left_out + (EndReason.TIMED_OUT.value,) * len(not_taken),
        )
    if not_taken:
        return StanceOutcome(
            test=test, outcome=Outcome.POSITION_NOT_TAKEN, cap_s=cap_s, left_out=left_out
        )
    return StanceOutcome(test=test, outcome=Outcome.NOT_MEASURED, cap_s=cap_s, left_out=left_out)


def _trial(result: StanceResult) -> Trial:
    sway = result.sway
    if sway is None or sway.duration_s <= 0 or result.body_mass_kg <= 0:
        return Trial(hold_s=result.hold_time_s)
    noise = noise_velocity(result.body_mass_kg, sway.samples / sway.duration_s)
    return Trial(
        hold_s=result.hold_time_s,
        velocity_cm_s=without_noise_cm_s(sway.mean_velocity_cm_s, noise.total_cm_s),
        velocity_ap_cm_s=without_noise_cm_s(sway.mean_velocity_ap_cm_s, noise.ap_cm_s),
        velocity_ml_cm_s=without_noise_cm_s(sway.mean_velocity_ml_cm_s, noise.ml_cm_s),
    )


def tests_of(outcomes: Mapping[StanceTest, StanceOutcome]) -> dict[StanceTest, StanceOutcome]:
    """Every test's outcome, ``not_measured`` for the ones missing from ``outcomes``."""
    return {test: outcomes.get(test) or not_measured(test) for test in StanceTest}
