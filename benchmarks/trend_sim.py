"""Simulated people through the trend detector: false alarms, detected declines, delay.

Run from the repository root: ``.venv/bin/python benchmarks/trend_sim.py [--people N] [--seed S]``.
Prints figures, asserts nothing; ``docs/trends.md`` records them.

The simulator takes its numbers from ``shared/domain/clinical.md``, never from the detector:

- day-to-day noise on each measure's own scale: single-leg and tandem holds multiplicative with
  SEM 40.8 % (Goldberg 2011; tandem assumed alike, Franchignoni 1998), sway speed
  multiplicative with each person's SEM drawn from 15.9–23.6 % (Riemann & Piersol 2017),
  balance score additive with SEM 3.25 points (reliable change 9 points, Caccese 2022);
- 5 % bad days (every measure 3 SEM worse that day), 30 % of days missed at random, holds
  capped at 30 s and scores at 100 (both censored);
- people: single-leg holds around 12.5 s and tandem around 25 s (log SD 0.8 and 0.6 between
  people), so that the capped means come out near the published 14.8 s and 22.2 s (adults
  60–89, 30-s cap, PMC11566129); sway speed around 1.06 cm/s, log SD 0.3 (Santos & Duarte
  2016, 70+, eyes open); balance score around 75, SD 12 (an assumption: no published
  distribution);
- stable people for 365 days; declining people stable for 8–26 weeks, then every measure worsens
  linearly by 1× or 2× its MDC95 = 1.96 · √2 · SEM over 4–12 weeks, followed for 28 more days.

A decline counts as flagged when the measure's ``declining`` flag is on at any session from its
start to 28 days after its end; the delay is counted from the end of the decline (negative:
flagged while it was still under way). A false alarm is a flag switching on in a stable person.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.retro_balance.engine.trends.detector import (
    DEFAULT_SETTINGS,
    DetectorSettings,
    detect,
)
from custom_components.retro_balance.engine.trends.measure import (
    SLS_SEM_FRACTION,
    SPECS,
    SWAY_SEM_FRACTION_RANGE,
    Z_95,
    FloatArray,
    Scale,
    TrendMeasure,
    log_sigma,
)
from custom_components.retro_balance.engine.trends.series import DailySeries, censor

SEED = 2024
PEOPLE = 2000
"""Half stable, a quarter declining by 1× MDC, a quarter by 2× MDC."""
YEAR_DAYS = 365
MISSED_FRACTION = 0.30
BAD_DAY_FRACTION = 0.05
BAD_DAY_SEM = 3.0
HOLD_CAP_S = 30.0
SCORE_CAP = 100.0
FOLLOW_UP_DAYS = 28
STABLE_BEFORE_DAYS = (56, 182)
DECLINE_DAYS = (28, 84)
FIRST_DAY = 738_000  # an arbitrary ordinal day (2021-07-20)

MEASURES: tuple[TrendMeasure, ...] = tuple(TrendMeasure)
SCORE_SEM_POINTS = 9.0 / (Z_95 * math.sqrt(2.0))
POPULATION = {  # centre on the measure's scale (down is worse), SD between people
    TrendMeasure.SINGLE_LEG_LEFT: (math.log(12.5), 0.8),
    TrendMeasure.SINGLE_LEG_RIGHT: (math.log(12.5), 0.8),
    TrendMeasure.TANDEM: (math.log(25.0), 0.6),
    TrendMeasure.QUIET_SWAY_VELOCITY: (-math.log(1.058), 0.3),
    TrendMeasure.BALANCE_SCORE: (75.0, 12.0),
}
SIDE_SD = 0.15
"""Left and right single-leg levels differ from the person's level by this much (log SD)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One simulated person's result for one measure."""

    measure: TrendMeasure
    multiple: int
    """0 for a stable person, else the decline in MDCs."""
    onsets: int
    """How many times the flag switched on (stable people: false alarms)."""
    delay_days: float
    """First flag minus the end of the decline; NaN when not flagged in time (or stable)."""
    years: float


def noise_sd(measure: TrendMeasure, rng: np.random.Generator) -> float:
    """One person's day-to-day SD on the measure's scale, from the published figures."""
    if measure is TrendMeasure.QUIET_SWAY_VELOCITY:
        return log_sigma(float(rng.uniform(*SWAY_SEM_FRACTION_RANGE)))
    if measure is TrendMeasure.BALANCE_SCORE:
        return SCORE_SEM_POINTS
    return log_sigma(SLS_SEM_FRACTION)


def to_units(measure: TrendMeasure, scaled: FloatArray) -> FloatArray:
    """Scale (down is worse) → the measure's unit."""
    spec = SPECS[measure]
    signed = scaled if spec.higher_is_better else -scaled
    return np.exp(signed) if spec.scale is Scale.LOG else np.clip(signed, 0.0, SCORE_CAP)


def simulate_person(
    multiple: int, rng: np.random.Generator, settings: DetectorSettings, noise_factor: float = 1.0
) -> list[Outcome]:
    """One person, every measure; ``multiple`` MDCs of decline (0: stable for a year)."""
    if multiple:
        start = int(rng.integers(STABLE_BEFORE_DAYS[0], STABLE_BEFORE_DAYS[1] + 1))
        length = int(rng.integers(DECLINE_DAYS[0], DECLINE_DAYS[1] + 1))
        horizon = start + length + FOLLOW_UP_DAYS + 1
    else:
        start, length, horizon = YEAR_DAYS, 1, YEAR_DAYS
    day = np.arange(horizon)
    taken = rng.random(horizon) >= MISSED_FRACTION
    bad = rng.random(horizon) < BAD_DAY_FRACTION
    progress = np.clip((day - start) / length, 0.0, 1.0)
    person_level = rng.normal(0.0, 1.0)
    outcomes = []
    for measure in MEASURES:
        centre, spread = POPULATION[measure]
        level = centre + spread * person_level
        if measure in (TrendMeasure.SINGLE_LEG_LEFT, TrendMeasure.SINGLE_LEG_RIGHT):
            level += rng.normal(0.0, SIDE_SD)
        mdc = Z_95 * math.sqrt(2.0) * noise_sd(measure, rng)
        sd = noise_factor * mdc / (Z_95 * math.sqrt(2.0))
        scaled = (
            level
            - multiple * mdc * progress
            + rng.normal(0.0, sd, horizon)
            - BAD_DAY_SEM * sd * bad
        )
        values = to_units(measure, scaled[taken])
        cap = SCORE_CAP if measure is TrendMeasure.BALANCE_SCORE else HOLD_CAP_S
        caps = np.full(values.size, cap if SPECS[measure].default_cap is not None else np.inf)
        values, censored = censor(values, caps)
        series = DailySeries(
            measure=measure, days=FIRST_DAY + day[taken], values=values, censored=censored
        )
        flags = detect(series, settings).declining
        onsets = int(np.count_nonzero(flags[1:] & ~flags[:-1]) + (flags[0] if flags.size else 0))
        delay = math.nan
        if multiple:
            window = (day[taken] >= start) & (day[taken] <= start + length + FOLLOW_UP_DAYS)
            flagged = np.flatnonzero(flags & window)
            if flagged.size:
                delay = float(day[taken][flagged[0]] - (start + length))
        outcomes.append(
            Outcome(
                measure=measure,
                multiple=multiple,
                onsets=onsets,
                delay_days=delay,
                years=horizon / YEAR_DAYS,
            )
        )
    return outcomes


def simulate(
    people: int = PEOPLE,
    seed: int = SEED,
    settings: DetectorSettings = DEFAULT_SETTINGS,
    noise_factor: float = 1.0,
) -> list[list[Outcome]]:
    """Every person's outcomes: half stable, then alternately 1× and 2× MDC declines.

    ``noise_factor`` scales the day-to-day noise (not the declines, which stay in published
    MDCs): home pads are noisier than laboratories.
    """
    rng = np.random.default_rng(seed)
    multiples = [0] * (people - people // 2) + [1 + i % 2 for i in range(people // 2)]
    return [simulate_person(m, rng, settings, noise_factor) for m in multiples]


@dataclass(frozen=True, slots=True, kw_only=True)
class Figures:
    """The benchmark's headline figures for one group of measures."""

    false_alarms_per_year: float
    detected_1x: float
    detected_2x: float
    median_delay_1x_days: float
    median_delay_2x_days: float


def figures(people: list[list[Outcome]], measures: tuple[TrendMeasure, ...]) -> Figures:
    """False alarms per person-year and detection shares over ``measures``.

    With several measures a person counts as flagged when any of them is (a person-level
    "balance declining"); false alarms add up over the measures, an upper bound of the
    person-level count.
    """
    years = sum(p[0].years for p in people if p[0].multiple == 0)
    alarms = sum(o.onsets for p in people if p[0].multiple == 0 for o in p if o.measure in measures)
    delays: dict[int, list[float]] = {1: [], 2: []}
    for person in people:
        multiple = person[0].multiple
        if multiple:
            found = [o.delay_days for o in person if o.measure in measures]
            delays[multiple].append(min(found) if not all(map(math.isnan, found)) else math.nan)

    def share(values: list[float]) -> float:
        return float(np.mean([not math.isnan(v) for v in values])) if values else math.nan

    def median(values: list[float]) -> float:
        kept = [v for v in values if not math.isnan(v)]
        return float(np.median(kept)) if kept else math.nan

    return Figures(
        false_alarms_per_year=alarms / years if years else math.nan,
        detected_1x=share(delays[1]),
        detected_2x=share(delays[2]),
        median_delay_1x_days=median(delays[1]),
        median_delay_2x_days=median(delays[2]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--noise-factor", type=float, default=1.0,
        help="day-to-day noise as a multiple of the published SEM (default 1)",
    )  # fmt: skip
    args = parser.parse_args()
    began = time.perf_counter()
    people = simulate(args.people, args.seed, noise_factor=args.noise_factor)
    elapsed = time.perf_counter() - began
    stable = sum(p[0].multiple == 0 for p in people)
    print(
        f"{len(people)} people ({stable} stable for a year, {len(people) - stable} declining), "
        f"seed {args.seed}, noise {args.noise_factor:g}× the published SEM, {elapsed:.1f} s"
    )
    print(
        f"{'measure':<22}{'false alarms/yr':>16}{'1×MDC flagged':>15}{'delay':>7}"
        f"{'2×MDC flagged':>15}{'delay':>7}"
    )
    groups = [(m.value, (m,)) for m in MEASURES] + [("any (person)", MEASURES)]
    for name, measures in groups:
        f = figures(people, measures)
        print(
            f"{name:<22}{f.false_alarms_per_year:>16.3f}{f.detected_1x:>15.1%}"
            f"{f.median_delay_1x_days:>7.0f}{f.detected_2x:>15.1%}{f.median_delay_2x_days:>7.0f}"
        )
    print("delay: median days from the end of the decline to the first flag (negative: before)")
    print("targets: ≤ 0.5 false alarms per person-year; ≥ 90 % of 2×MDC declines flagged")


if __name__ == "__main__":
    main()
