"""The decline and recovery rules over one measure's daily series, as arrays (one row per day).

Per session ``i`` (a day with a value), on the detector's scale ``y`` (``measure.py``: log for
holds and sway, down is worse):

1. Baseline: the first ``practice_sessions`` are set aside (practice effect, ``clinical.md``);
   from the next ``baseline_min_sessions`` on, the baseline is the censored median of the
   post-practice sessions so far, up to ``baseline_max_sessions`` — then it is frozen, so a slow
   decline cannot drag it along.
2. Error: ``σ = max(published SEM, own spread)`` on the same scale, the own spread being the
   robust SD of the differences between neighbouring post-practice sessions, over the last
   ``spread_sessions`` (``robust.running_difference_sd``; at least ``baseline_min_sessions``).
3. Current level: the censored median of the last ``current_sessions`` sessions within
   ``current_window_days``; at least ``min_current_sessions`` of them.
4. ``z = (baseline − current) / (σ · √(π/2 · (1/n_current + 1/n_baseline)))``: the drop in units
   of the standard error of a difference of two medians (a median's variance is π/2 times a
   mean's). A current level held to the cap is never a drop (``z ≤ 0``).
5. Continuous rule: a decline is confirmed when ``z ≥ decline_z`` on ``persistence_sessions``
   assessable sessions in a row; it ends (recovery) when ``z ≤ recovery_z`` on
   ``recovery_sessions`` in a row — the gap between the two bounds is the hysteresis.
6. Tandem (STEADI) rule instead of 5: with a baseline of at least 10 s, a decline is confirmed
   when ``tandem_below`` of the last ``tandem_sessions`` (within the current window) are under
   10 s, and ends when none of them is.

A session without enough recent sessions (a long gap) keeps the previous decision and restarts
the runs. ``docs/trends.md`` gives the reasons for each number and the simulated error rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import cast

import numpy as np
import numpy.typing as npt

from ..clinical.norms import STEADI_TANDEM_THRESHOLD_S
from .measure import SPECS, DeclineRule, FloatArray
from .robust import BoolArray, IntArray, censored_medians, running_difference_sd
from .series import DailySeries


class TrendStatus(StrEnum):
    """Where a measure's trend stands after a session."""

    NO_DATA = "no_data"
    BUILDING_BASELINE = "building_baseline"
    TOO_FEW_RECENT_SESSIONS = "too_few_recent_sessions"
    STABLE = "stable"
    DECLINE_SUSPECTED = "decline_suspected"
    DECLINING = "declining"


STATUSES: tuple[TrendStatus, ...] = tuple(TrendStatus)
"""Index of each status in :attr:`Detection.status`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorSettings:
    """The detector's numbers; the defaults are the documented, simulated ones."""

    practice_sessions: int = 3
    baseline_min_sessions: int = 6
    baseline_max_sessions: int = 20
    current_sessions: int = 6
    current_window_days: int = 21
    min_current_sessions: int = 3
    decline_z: float = 3.0
    persistence_sessions: int = 4
    recovery_z: float = 1.0
    recovery_sessions: int = 3
    tandem_threshold_s: float = STEADI_TANDEM_THRESHOLD_S
    tandem_sessions: int = 3
    tandem_below: int = 2
    spread_sessions: int = 60

    def __post_init__(self) -> None:
        """Reject settings the rules cannot use; ``ValueError`` names the field."""
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{field.name} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{field.name} must be a finite number ≥ 0, got {value!r}")
        if not 1 <= self.min_current_sessions <= self.current_sessions:
            raise ValueError("min_current_sessions must be from 1 to current_sessions")
        # The current window never reaching back past the baseline keeps a series that only
        # improves from ever looking like a decline (tests/engine/test_trends_properties.py).
        if self.current_sessions > self.baseline_min_sessions:
            raise ValueError("current_sessions must not exceed baseline_min_sessions")
        if not 1 <= self.baseline_min_sessions <= self.baseline_max_sessions:
            raise ValueError("baseline_min_sessions must be from 1 to baseline_max_sessions")
        if not self.recovery_z < self.decline_z:
            raise ValueError("recovery_z must be below decline_z (the hysteresis)")
        if not 1 <= self.tandem_below <= self.tandem_sessions <= self.current_sessions:
            raise ValueError("need 1 ≤ tandem_below ≤ tandem_sessions ≤ current_sessions")
        if min(self.persistence_sessions, self.recovery_sessions, self.current_window_days) < 1:
            raise ValueError("persistence, recovery and window lengths must be at least 1")


DEFAULT_SETTINGS = DetectorSettings()


@dataclass(frozen=True, slots=True, kw_only=True)
class Detection:
    """The detector's state after each session of a series (index = session)."""

    series: DailySeries
    settings: DetectorSettings
    scaled: FloatArray
    """The values on the detector's scale (down is worse)."""
    baseline: FloatArray
    """Baseline on the detector's scale; NaN while it is being built."""
    baseline_sessions: IntArray
    baseline_at_cap: BoolArray
    sigma: FloatArray
    """Day-to-day SD used (the larger of published and own); NaN without a baseline."""
    own_spread_larger: BoolArray
    current: FloatArray
    """Current level on the detector's scale; NaN with too few recent sessions."""
    current_sessions: IntArray
    current_at_cap: BoolArray
    z: FloatArray
    """Drop of the current level below the baseline in standard errors; NaN if not assessable."""
    run: IntArray
    """Sessions in a row beyond the decline bound (or, while declining, within the recovery
    bound); for tandem, how many of the last sessions were under 10 s."""
    tandem_below: IntArray
    """Tandem: how many of the last sessions were under 10 s (−1 when not assessable)."""
    status: npt.NDArray[np.int8]
    """Index into :data:`STATUSES`."""
    declining: BoolArray


def detect(series: DailySeries, settings: DetectorSettings = DEFAULT_SETTINGS) -> Detection:
    """Run the rules over ``series`` (see the module docstring)."""
    spec = SPECS[series.measure]
    s = settings
    y = spec.to_scale(series.values)
    baseline, baseline_n, baseline_at_cap = _baselines(y, series.censored, s)
    own_sd = running_difference_sd(
        y, series.censored, start=s.practice_sessions, window=s.spread_sessions,
        min_pairs=s.baseline_min_sessions,
    )  # fmt: skip
    sigma = np.fmax(own_sd, spec.published_sigma)

    # Row i holds sessions i, i-1, ... i-(current_sessions-1), flagged when inside the window.
    index = np.arange(series.size)[:, None] - np.arange(s.current_sessions)[None, :]
    recent = np.maximum(index, 0)
    in_window = (index >= 0) & (series.days[:, None] - series.days[recent] < s.current_window_days)
    current, current_at_cap, current_n = censored_medians(
        y[recent], series.censored[recent], in_window
    )
    current[current_n < s.min_current_sessions] = np.nan

    with np.errstate(invalid="ignore", divide="ignore"):
        standard_error = sigma * np.sqrt(np.pi / 2 * (1 / current_n + 1 / baseline_n))
        z = (baseline - current) / standard_error
    z = np.where(current_at_cap, np.minimum(z, 0.0), z)

    assessable = np.isfinite(z) & (baseline_n > 0)
    below: IntArray = np.full(series.size, -1, dtype=np.int64)
    if spec.rule is DeclineRule.THRESHOLD:
        below = _tandem_below(series, recent, in_window, s)
        threshold = float(spec.to_scale(np.array([s.tandem_threshold_s]))[0])
        assessable &= below >= 0
        beyond = (z >= s.decline_z) & (baseline >= threshold) & (below >= s.tandem_below)
        within = below == 0
    else:
        beyond, within = z >= s.decline_z, z <= s.recovery_z
    status, declining, run = _decide(s, baseline_n > 0, assessable, beyond, within)
    return Detection(
        series=series,
        settings=s,
        scaled=y,
        baseline=baseline,
        baseline_sessions=baseline_n,
        baseline_at_cap=baseline_at_cap,
        sigma=np.where(baseline_n > 0, sigma, np.nan),
        own_spread_larger=(own_sd > spec.published_sigma) & (baseline_n > 0),
        current=current,
        current_sessions=current_n,
        current_at_cap=current_at_cap & (current_n >= s.min_current_sessions),
        z=np.where(np.isfinite(current) & (baseline_n > 0), z, np.nan),
        run=run,
        tandem_below=below,
        status=status,
        declining=declining,
    )


def _baselines(
    y: FloatArray, censored: BoolArray, s: DetectorSettings
) -> tuple[FloatArray, IntArray, BoolArray]:
    """Baseline after each session, how many sessions it rests on, and whether it is capped."""
    n = y.size
    baseline = np.full(n, np.nan)
    count_used = np.zeros(n, dtype=np.int64)
    at_cap = np.zeros(n, dtype=np.bool_)
    post_practice = np.arange(n) + 1 - s.practice_sessions
    for count in range(s.baseline_min_sessions, s.baseline_max_sessions + 1):
        rows = (
            post_practice >= count if count == s.baseline_max_sessions else post_practice == count
        )
        if not rows.any():
            continue
        window = slice(s.practice_sessions, s.practice_sessions + count)
        median, capped, _ = censored_medians(
            y[None, window], censored[None, window], np.ones((1, count), dtype=np.bool_)
        )
        baseline[rows], at_cap[rows], count_used[rows] = median[0], capped[0], count
    return baseline, count_used, at_cap


def _tandem_below(
    series: DailySeries, recent: IntArray, in_window: BoolArray, s: DetectorSettings
) -> IntArray:
    """How many of the last ``tandem_sessions`` held under 10 s (−1: fewer in the window)."""
    last = recent[:, : s.tandem_sessions]
    counted = in_window[:, : s.tandem_sessions]
    # A hold censored at a cap under 10 s is not known to be short.
    short = (series.values[last] < s.tandem_threshold_s) & ~series.censored[last] & counted
    complete = counted.sum(axis=1) == s.tandem_sessions
    return np.where(complete, short.sum(axis=1), -1).astype(np.int64)


def _decide(
    s: DetectorSettings,
    has_baseline: BoolArray,
    assessable: BoolArray,
    beyond: BoolArray,
    within: BoolArray,
) -> tuple[npt.NDArray[np.int8], BoolArray, IntArray]:
    """Run the state machine: status, declining flag and run length after each session.

    ``beyond``: the session's evidence of a decline; ``within``: of its absence (recovery).
    """
    n = has_baseline.size
    status = np.zeros(n, dtype=np.int8)
    declining = np.zeros(n, dtype=np.bool_)
    runs = np.zeros(n, dtype=np.int64)
    building = STATUSES.index(TrendStatus.BUILDING_BASELINE)
    too_few = STATUSES.index(TrendStatus.TOO_FEW_RECENT_SESSIONS)
    stable = STATUSES.index(TrendStatus.STABLE)
    suspected = STATUSES.index(TrendStatus.DECLINE_SUSPECTED)
    down = STATUSES.index(TrendStatus.DECLINING)
    is_declining, run = False, 0
    flags = (has_baseline, assessable, beyond, within)
    for i, (ready, seen, worse, normal) in enumerate(
        zip(*(cast(list[bool], a.tolist()) for a in flags), strict=True)
    ):
        if not ready:
            status[i] = building
            continue
        was_declining = is_declining
        if not seen:
            run = 0
            status[i] = down if is_declining else too_few
        elif was_declining:
            run = run + 1 if normal else 0
            is_declining = run < s.recovery_sessions
            status[i] = down if is_declining else stable
        else:
            run = run + 1 if worse else 0
            is_declining = run >= s.persistence_sessions
            status[i] = down if is_declining else (suspected if run else stable)
        declining[i], runs[i] = is_declining, run
        if is_declining != was_declining:
            run = 0
    return status, declining, runs
