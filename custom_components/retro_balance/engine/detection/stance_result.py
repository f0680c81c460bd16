"""What a stance test is and how it ended: the shared types of the live stance detector.

``StanceTest``, ``EndReason``, ``QualityFlag`` and ``StanceResult`` are the names every part of the
integration uses (docs/architecture.md); import them from here, not from the detector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from ..signal.measures import SwayMeasures
from ..validation import finite_number, member


class StanceTest(StrEnum):
    """The stance tests the pad can time."""

    QUIET_EYES_OPEN = "quiet_eyes_open"
    QUIET_EYES_CLOSED = "quiet_eyes_closed"
    TANDEM = "tandem"
    SINGLE_LEG_LEFT = "single_leg_left"
    SINGLE_LEG_RIGHT = "single_leg_right"

    @property
    def is_single_leg(self) -> bool:
        """Whether this is a single-leg stance test."""
        return self in (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT)

    @property
    def is_quiet(self) -> bool:
        """Whether this is a quiet (two feet side by side) stance test."""
        return self in (StanceTest.QUIET_EYES_OPEN, StanceTest.QUIET_EYES_CLOSED)


class EndReason(StrEnum):
    """Why a test ended."""

    CAP = "cap"
    TOUCHED_DOWN = "touched_down"
    STEPPED_OFF = "stepped_off"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"
    SIGNAL_LOST = "signal_lost"


class QualityFlag(StrEnum):
    """What was wrong with the signal of a test."""

    TOO_LIGHT = "too_light"
    TOO_NOISY = "too_noisy"
    GAPS = "gaps"
    ABORTED = "aborted"


class StancePhase(StrEnum):
    """Where a detector is in its test."""

    WAITING_FOR_PERSON = "waiting_for_person"
    SETTLING = "settling"
    READY = "ready"
    HOLDING = "holding"
    FINISHED = "finished"


class StanceEventKind(StrEnum):
    """What a detector reports while it is fed."""

    STEPPED_ON = "stepped_on"
    SETTLED = "settled"
    STARTED = "started"
    FINISHED = "finished"


ABORTING_REASONS = frozenset({EndReason.CANCELLED, EndReason.TIMED_OUT, EndReason.SIGNAL_LOST})


@dataclass(frozen=True, slots=True, kw_only=True)
class StanceEvent:
    """Something that happened in a test, at ``time_s`` on the pad's clock."""

    kind: StanceEventKind
    time_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class StanceResult:
    """The outcome of one stance test.

    ``started_at_s`` is the pad-clock time the hold started (for a test that never started, the
    time it ended). ``sway`` holds the standard sway measures of the held part, or ``None`` when
    the hold was too short for them.
    """

    test: StanceTest
    hold_time_s: float
    cap_s: float
    end_reason: EndReason
    started_at_s: float
    body_mass_kg: float
    sway: SwayMeasures | None
    quality: frozenset[QualityFlag]

    @property
    def completed(self) -> bool:
        """False when the test was aborted (cancelled, timed out, signal lost, too light)."""
        return self.end_reason not in ABORTING_REASONS and not (
            self.quality & {QualityFlag.ABORTED, QualityFlag.TOO_LIGHT}
        )

    @property
    def position_not_taken(self) -> bool:
        """True when the test timed out with a person on the pad: they could not take the position.

        The detector records the load on the pad when a test times out after someone stepped on
        (``body_mass_kg``; 0 when nobody came, and ``too_light`` below a person's weight).
        """
        return (
            self.end_reason is EndReason.TIMED_OUT
            and self.body_mass_kg > 0
            and QualityFlag.TOO_LIGHT not in self.quality
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly mapping that :meth:`from_dict` turns back into this result."""
        return {
            "test": self.test.value,
            "hold_time_s": self.hold_time_s,
            "cap_s": self.cap_s,
            "end_reason": self.end_reason.value,
            "started_at_s": self.started_at_s,
            "body_mass_kg": self.body_mass_kg,
            "sway": None if self.sway is None else self.sway.as_dict(),
            "quality": sorted(flag.value for flag in self.quality),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StanceResult:
        """Rebuild a result from :meth:`as_dict` output; ``ValueError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a stance result must be a mapping, got {type(data).__name__}")
        missing = {f.name for f in fields(cls)} - set(data)
        if missing:
            raise ValueError(f"stance result lacks {', '.join(sorted(missing))}")
        quality = data["quality"]
        if isinstance(quality, str | bytes) or not isinstance(quality, list | tuple | frozenset):
            raise ValueError(f"stance result quality must be a list of flags, got {quality!r}")
        return cls(
            test=member(StanceTest, data["test"], "stance result test"),
            hold_time_s=_number(data["hold_time_s"], "hold_time_s"),
            cap_s=_number(data["cap_s"], "cap_s"),
            end_reason=member(EndReason, data["end_reason"], "stance result end_reason"),
            started_at_s=_number(data["started_at_s"], "started_at_s"),
            body_mass_kg=_number(data["body_mass_kg"], "body_mass_kg"),
            sway=_sway_from_dict(data["sway"]),
            quality=frozenset(
                member(QualityFlag, flag, "stance result quality") for flag in quality
            ),
        )


def _number(value: object, name: str) -> float:
    """``value`` as a finite float, or a ``ValueError`` naming the field."""
    return finite_number(value, f"stance result {name}")


def _sway_from_dict(value: object) -> SwayMeasures | None:
    """Sway measures from their ``as_dict`` mapping (``None`` stays ``None``)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(f"stance result sway must be a mapping or null, got {value!r}")
    names = {f.name for f in fields(SwayMeasures)}
    if set(value) != names:
        raise ValueError(f"stance result sway needs exactly the fields {', '.join(sorted(names))}")
    samples = value["samples"]
    if isinstance(samples, bool) or not isinstance(samples, int):
        raise ValueError(f"stance result sway samples must be an integer, got {samples!r}")
    numbers = {name: _number(value[name], f"sway {name}") for name in names - {"samples"}}
    return SwayMeasures(samples=samples, **numbers)
