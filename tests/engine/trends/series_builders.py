"""Dated series for the trend tests: values on consecutive (or given) days."""

from collections.abc import Sequence
from datetime import date, timedelta

from custom_components.retro_balance.engine.trends.series import Observation

START = date(2025, 1, 6)


def observations(
    values: Sequence[float],
    *,
    days: Sequence[int] | None = None,
    cap: float | None = None,
    start: date = START,
) -> list[Observation]:
    """One observation per value, on ``start + days[i]`` (default: one a day)."""
    offsets = range(len(values)) if days is None else days
    return [
        Observation(day=start + timedelta(days=int(offset)), value=float(value), cap=cap)
        for offset, value in zip(offsets, values, strict=True)
    ]


def day(offset: int) -> date:
    """The date ``offset`` days after ``START``."""
    return START + timedelta(days=offset)
