"""Local calendar arithmetic in one place: wall-clock times to instants across daylight saving.

Every instant the coach returns is a timezone-aware datetime in UTC. Comparing or subtracting two
datetimes that share a ``ZoneInfo`` compares their wall clocks and ignores ``fold`` (PEP 495), so
an hour that repeats in autumn would order wrongly; UTC instants never do.

Rules for a wall-clock time on a given local day:
- it exists once: that instant;
- it exists twice (autumn, clocks go back): the first one (``fold=0``), so it is used once;
- it does not exist (spring, clocks go forward): the first valid instant after the gap, i.e. the
  moment of the change (02:30 on the Amsterdam spring-forward day → 03:00 CEST).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utc(instant: datetime, name: str = "instant") -> datetime:
    """`instant` in UTC; ``ValueError`` naming it when it is not a timezone-aware datetime."""
    if not isinstance(instant, datetime) or instant.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {instant!r}")
    return instant.astimezone(UTC)


def check_zone(tz: ZoneInfo) -> ZoneInfo:
    """`tz` itself, or a ``ValueError`` when it is not a ``ZoneInfo``."""
    if not isinstance(tz, ZoneInfo):
        raise ValueError(f"tz must be a zoneinfo.ZoneInfo, got {tz!r}")
    return tz


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """Return the calendar day on which `instant` falls in `tz`."""
    return utc(instant).astimezone(tz).date()


def local_wall_time(instant: datetime, tz: ZoneInfo) -> time:
    """Return the wall-clock time of `instant` in `tz` (naive)."""
    return utc(instant).astimezone(tz).time()


def week_start(day: date) -> date:
    """Monday of the ISO week that contains `day`."""
    return day - timedelta(days=day.weekday())


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included (empty when `last` is before `first`)."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """Return the UTC instant at which `tz` shows `wall` on `day` (module docstring rules)."""
    naive = datetime.combine(day, wall.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    return _end_of_gap(naive, tz)


def _end_of_gap(naive: datetime, tz: ZoneInfo) -> datetime:
    """First instant after the daylight-saving gap that swallowed `naive`.

    For a wall time in a gap, ``fold=0`` applies the offset from before the change and ``fold=1``
    the one after (PEP 495): the change lies between the two readings, found by bisection on
    whole seconds (zone transitions fall on whole seconds).
    """
    readings = sorted(naive.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
    low, high = (int(reading.timestamp()) for reading in readings)
    before = datetime.fromtimestamp(low, tz).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)
