"""A person on the pad: poses, phases of a timeline, and the corner loads they produce.

A timeline is a list of `Phase` items. Each phase moves the load (kg) and the pose (mean centre
of pressure and sway condition) from its start to its end value along a smooth step, and the sway
model adds the condition's sway on top. `corner_loads` splits the total load over the four corners
so that the four-corner COP formula (engine.cop) gives back the COP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.wire import messages

from .sway import CONDITIONS, gains

FOOT_OFFSET_ML_CM: Final = 9.0
"""Half the distance between the feet's centres in a comfortable stance (about hip width)."""
SINGLE_LEG_AP_CM: Final = 1.0
"""COP sits slightly in front of the ankle when standing on one leg."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pose:
    """Where the mean COP is (cm from the pad centre) and which sway condition applies."""

    ap_cm: float = 0.0
    ml_cm: float = 0.0
    condition: str = "quiet_eyes_open"

    def __post_init__(self) -> None:
        """Refuse an unknown condition."""
        if self.condition not in CONDITIONS:
            raise ValueError(f"unknown sway condition {self.condition!r}")


QUIET_EO: Final = Pose(condition="quiet_eyes_open")
QUIET_EC: Final = Pose(condition="quiet_eyes_closed")
TANDEM: Final = Pose(condition="tandem")
LEFT_LEG: Final = Pose(ap_cm=SINGLE_LEG_AP_CM, ml_cm=-FOOT_OFFSET_ML_CM, condition="single_leg")
RIGHT_LEG: Final = Pose(ap_cm=SINGLE_LEG_AP_CM, ml_cm=FOOT_OFFSET_ML_CM, condition="single_leg")
LEFT_FOOT_ONLY: Final = Pose(ml_cm=-FOOT_OFFSET_ML_CM, condition="still")


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase:
    """A stretch of the timeline: load and pose move from start to end values."""

    label: str
    duration_s: float
    load_from_kg: float
    load_to_kg: float
    pose_from: Pose
    pose_to: Pose
    press: messages.Press | None = None
    """A button press sent at the start of the phase."""
    overshoot: float = 0.0
    """Peak extra load (fraction) in the middle of the phase: the dynamics of stepping."""
    replay: ReplayTrace | None = None

    def __post_init__(self) -> None:
        """Refuse a phase without a positive duration."""
        if not self.duration_s > 0:
            raise ValueError(f"phase {self.label!r} needs a positive duration")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayTrace:
    """A recorded COP trace (cm, centred on the pad) with its relative total load."""

    rate_hz: float
    ap_cm: FloatArray
    ml_cm: FloatArray
    load_ratio: FloatArray = field(repr=False)

    @property
    def duration_s(self) -> float:
        """Length of the recording: samples / rate."""
        return len(self.ap_cm) / self.rate_hz

    def at(self, time_s: float) -> tuple[float, float, float]:
        """(AP cm, ML cm, load ratio) at `time_s` from the start, linearly interpolated."""
        index = time_s * self.rate_hz
        low = min(max(math.floor(index + 1e-9), 0), len(self.ap_cm) - 1)
        frac = min(max(index - low, 0.0), 1.0) if low + 1 < len(self.ap_cm) else 0.0
        high = min(low + 1, len(self.ap_cm) - 1)
        return (
            float(self.ap_cm[low] + frac * (self.ap_cm[high] - self.ap_cm[low])),
            float(self.ml_cm[low] + frac * (self.ml_cm[high] - self.ml_cm[low])),
            float(self.load_ratio[low] + frac * (self.load_ratio[high] - self.load_ratio[low])),
        )


def smoothstep(fraction: float) -> float:
    """Ease in and out between 0 and 1 (zero slope at both ends)."""
    x = min(max(fraction, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


@dataclass(frozen=True, slots=True)
class BodyState:
    """Total load (kg), mean COP (cm) and sway gains at one instant."""

    load_kg: float
    ap_cm: float
    ml_cm: float
    sway_gains: FloatArray


def state_at(phase: Phase, elapsed_s: float) -> BodyState:
    """Return the body state `elapsed_s` into `phase`."""
    fraction = elapsed_s / phase.duration_s
    if phase.replay is not None:
        ap_cm, ml_cm, ratio = phase.replay.at(elapsed_s)
        return BodyState(phase.load_to_kg * ratio, ap_cm, ml_cm, np.zeros(4))
    blend = smoothstep(fraction)
    bump = phase.overshoot * math.sin(math.pi * min(max(fraction, 0.0), 1.0))
    load_kg = (phase.load_from_kg + blend * (phase.load_to_kg - phase.load_from_kg)) * (1 + bump)
    start, end = phase.pose_from, phase.pose_to
    sway_gains = gains(CONDITIONS[start.condition])
    if end.condition != start.condition:
        sway_gains = sway_gains + blend * (gains(CONDITIONS[end.condition]) - sway_gains)
    return BodyState(
        load_kg,
        start.ap_cm + blend * (end.ap_cm - start.ap_cm),
        start.ml_cm + blend * (end.ml_cm - start.ml_cm),
        sway_gains,
    )


def corner_loads(
    total_kg: float, ap_cm: float, ml_cm: float, *, width_mm: float, depth_mm: float
) -> FloatArray:
    """Split `total_kg` over tl, tr, bl, br so that the pad's COP is (ap_cm, ml_cm).

    Inverse of ML = (W/2)·((TR+BR)−(TL+BL))/S, AP = (D/2)·((TL+TR)−(BL+BR))/S with the
    bilinear split TL = S/4·(1−u)(1+v), …, u = ML/(W/2), v = AP/(D/2), clipped to the pad.
    """
    u = min(max(ml_cm / (width_mm / 20.0), -1.0), 1.0)
    v = min(max(ap_cm / (depth_mm / 20.0), -1.0), 1.0)
    quarter = total_kg / 4.0
    return np.array(
        [
            quarter * (1 - u) * (1 + v),
            quarter * (1 + u) * (1 + v),
            quarter * (1 - u) * (1 - v),
            quarter * (1 + u) * (1 - v),
        ]
    )
