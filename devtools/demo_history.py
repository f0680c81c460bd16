"""Eight weeks of simulated daily checks for the demo people, one of them slowly declining.

`scripts/develop` imports them into a fresh demo (`retro_balance.import_history`), so that a
newcomer sees trends, a decline and its alert on the first start rather than a page of
"Unknown". The day-to-day noise follows `clinical.md` through the trend engine's own figures
(multiplicative on holds, SEM 40.8 %, Goldberg 2011; on sway speed, SEM 20 %, within Riemann &
Piersol's 15.9–23.6 %), holds are capped at 30 s, and 15 % of the days are missed at random.

- Margaret is stable: single-leg stance around 18 s, tandem around 28 s (often held to the cap),
  quiet-stance sway 0.9 cm/s with eyes closed.
- Frank declines: stable at 14 s / 24 s / 1.1 cm/s for three and a half weeks, then over four
  weeks his holds fall to 35 % and his sway rises by 70 % — about 1.5 times the minimal
  detectable change of the holds (`docs/trends.md`), which the detector confirms in the last
  week.

Seeded and dated back from a given day, so a run is reproducible; session ids are derived from
the person and the day, so importing the same history twice stores it once.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from custom_components.retro_balance.engine.clinical.people import IdentifiedBy
from custom_components.retro_balance.engine.clinical.session import SessionKind, SessionRecord
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.measures import SwayMeasures
from custom_components.retro_balance.engine.trends.measure import (
    DEFAULT_HOLD_CAP_S,
    SLS_SEM_FRACTION,
    log_sigma,
)

DAYS = 56
MISSED_FRACTION = 0.15
SWAY_SEM_FRACTION = 0.20
SEED = 26
HOLD_SIGMA = log_sigma(SLS_SEM_FRACTION)
SWAY_SIGMA = log_sigma(SWAY_SEM_FRACTION)
QUIET_S = 30.0
SAMPLE_RATE_HZ = 80.0


@dataclass(frozen=True, kw_only=True)
class Course:
    """A person's typical levels and, for a decline, how far and when."""

    single_leg_s: float
    tandem_s: float
    sway_cm_s: float
    body_mass_kg: float
    decline_from_day: int | None = None
    """Day of the eight weeks (0 = first) the decline starts; None: stable."""
    decline_days: int = 28
    hold_factor: float = 1.0
    """Holds end at this fraction of their level."""
    sway_factor: float = 1.0
    """Sway speed ends at this multiple of its level."""

    def worsening(self, day: int) -> float:
        """How far the decline has gone on `day` (0 before it, 1 at its end)."""
        if self.decline_from_day is None or day < self.decline_from_day:
            return 0.0
        return min(1.0, (day - self.decline_from_day) / self.decline_days)


MARGARET_COURSE = Course(single_leg_s=18.0, tandem_s=28.0, sway_cm_s=0.9, body_mass_kg=64.0)
FRANK_COURSE = Course(
    single_leg_s=14.0,
    tandem_s=24.0,
    sway_cm_s=1.1,
    body_mass_kg=82.0,
    decline_from_day=24,
    decline_days=28,
    hold_factor=0.35,
    sway_factor=1.7,
)
COURSES = {"Margaret": MARGARET_COURSE, "Frank": FRANK_COURSE}


def sway_measures(velocity_cm_s: float, duration_s: float) -> SwayMeasures:
    """Plausible sway measures around a mean speed (only the speed is followed)."""
    samples = max(int(duration_s * SAMPLE_RATE_HZ), 10)
    return SwayMeasures(
        samples=samples,
        duration_s=duration_s,
        path_length_cm=velocity_cm_s * duration_s,
        mean_velocity_cm_s=velocity_cm_s,
        mean_velocity_ap_cm_s=0.75 * velocity_cm_s,
        mean_velocity_ml_cm_s=0.5 * velocity_cm_s,
        rms_ap_cm=0.6 * velocity_cm_s,
        rms_ml_cm=0.25 * velocity_cm_s,
        range_ap_cm=2.8 * velocity_cm_s,
        range_ml_cm=1.1 * velocity_cm_s,
        ellipse_area95_cm2=3.0 * velocity_cm_s**2,
        mean_frequency_hz=0.25,
    )


def _trial(
    test: StanceTest, hold_s: float, body_mass_kg: float, sway_cm_s: float, at_s: float
) -> StanceResult:
    capped = hold_s >= DEFAULT_HOLD_CAP_S
    held = DEFAULT_HOLD_CAP_S if capped else round(hold_s, 2)
    return StanceResult(
        test=test,
        hold_time_s=held,
        cap_s=DEFAULT_HOLD_CAP_S,
        end_reason=EndReason.CAP if capped else EndReason.TOUCHED_DOWN,
        started_at_s=at_s,
        body_mass_kg=body_mass_kg,
        sway=sway_measures(sway_cm_s, held) if held >= 1.0 else None,
        quality=frozenset(),
    )


def daily_check(
    *,
    session_id: str,
    pad_id: str,
    person_id: str,
    started_at: datetime,
    single_leg_s: tuple[float, float],
    tandem_s: float,
    sway_cm_s: float,
    body_mass_kg: float,
) -> SessionRecord:
    """One complete daily check (quiet stance eyes closed, tandem, left, right), unassessed."""
    results = (
        _trial(StanceTest.QUIET_EYES_CLOSED, QUIET_S, body_mass_kg, sway_cm_s, 10.0),
        _trial(StanceTest.TANDEM, tandem_s, body_mass_kg, 2.2 * sway_cm_s, 50.0),
        _trial(StanceTest.SINGLE_LEG_LEFT, single_leg_s[0], body_mass_kg, 3.3 * sway_cm_s, 90.0),
        _trial(StanceTest.SINGLE_LEG_RIGHT, single_leg_s[1], body_mass_kg, 3.3 * sway_cm_s, 130.0),
    )
    return SessionRecord(
        session_id=session_id,
        pad_id=pad_id,
        person_id=person_id,
        started_at=started_at,
        ended_at=started_at + timedelta(minutes=3),
        kind=SessionKind.DAILY_CHECK,
        results=results,
        assessment=None,
        complete=True,
        incomplete_reason=None,
        identified_by=IdentifiedBy.WEIGHT,
    )


def demo_history(
    name: str, person_id: str, pad_id: str, last_day: date, *, seed: int = SEED
) -> list[SessionRecord]:
    """Daily checks of `name` on the `DAYS` days up to `last_day` (some missed), oldest first."""
    course = COURSES[name]
    rng = np.random.default_rng([seed, sum(map(ord, name))])
    first_day = last_day - timedelta(days=DAYS - 1)
    records = []
    for day in range(DAYS):
        noise = rng.normal(0.0, 1.0, size=4)
        minute = int(rng.integers(0, 120))
        if rng.random() < MISSED_FRACTION:
            continue
        worse = course.worsening(day)
        holds = course.hold_factor**worse
        sway = course.sway_factor**worse
        on = first_day + timedelta(days=day)
        started_at = datetime(on.year, on.month, on.day, 8, tzinfo=UTC) + timedelta(minutes=minute)
        records.append(
            daily_check(
                session_id=session_id(name, on),
                pad_id=pad_id,
                person_id=person_id,
                started_at=started_at,
                single_leg_s=(
                    course.single_leg_s * holds * math.exp(HOLD_SIGMA * noise[0]),
                    course.single_leg_s * holds * math.exp(HOLD_SIGMA * noise[1]),
                ),
                tandem_s=course.tandem_s * holds * math.exp(HOLD_SIGMA * noise[2]),
                sway_cm_s=round(course.sway_cm_s * sway * math.exp(SWAY_SIGMA * noise[3]), 4),
                body_mass_kg=course.body_mass_kg,
            )
        )
    return records


def session_id(name: str, day: date) -> str:
    """Return a stable id for a simulated session (32 hex digits, like the integration's)."""
    text = f"retro-balance-demo:{name}:{day.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def import_payload(records: list[SessionRecord]) -> list[dict[str, Any]]:
    """Return the records as `retro_balance.import_history` takes them (`export_history`'s form)."""
    return [record.as_dict() for record in records]


def with_person(records: list[SessionRecord], person_id: str) -> list[SessionRecord]:
    """Return the same records filed under another person id."""
    return [replace(record, person_id=person_id) for record in records]
