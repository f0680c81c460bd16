"""What the stance detector keeps of the stream: its clock, the smoothed COP, the samples.

Frames are checked on the way in (`corner_rows`, `frame_clock`). The rules read an
exponentially smoothed centre of pressure, one sample at a time (`SmoothedCop`). The frames
themselves are kept as they came, corner loads and all (`StanceTrace`), and read back only when
a rule needs their recent past (dating a lift or a repositioning) and once when the test ends:
the quality flags and the sway measures of the held part. Their COP is worked out then, for the
whole span at once, with the same formulas the detector applied to each sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray
from ..signal.cop import PadGeometry, as_corner_rows, centre_of_pressure
from ..signal.filtering import lowpass_zero_phase
from ..signal.measures import MIN_SAMPLES, SwayMeasures, sway_measures
from ..wire.messages import MAX_ABS_LOAD_KG
from .stance_config import DetectorConfig
from .stance_result import QualityFlag

BoolArray = npt.NDArray[np.bool_]

FILTER_ORDER = 4
"""Order of the zero-phase Butterworth low-pass applied before the sway measures."""


@dataclass(slots=True)
class StreamClock:
    """The pad clock as the detector has seen it."""

    rate_hz: float = 0.0
    first_s: float | None = None
    last_s: float | None = None
    """Time of the last sample fed, usable or not."""
    last_valid_s: float | None = None
    """Time of the last usable sample."""
    last_total_kg: float | None = None
    spike_run: int = 0
    """Load jumps in a row; a lone spike is ignored, a third jump is a new level."""


@dataclass(slots=True)
class SmoothedCop:
    """COP after exponential smoothing, and the gains that follow the sample rate."""

    alpha: float = 1.0
    """Smoothing gain per sample (time constant `smoothing_s`)."""
    beta: float = 0.0
    """Gain with which a hold's stance position follows drift (`reference_tracking_s`)."""
    ap_cm: float = 0.0
    ml_cm: float = 0.0
    valid: bool = False
    """False until a present sample restarts the smoothing (after absence or a long hole)."""

    def set_period(self, period_s: float, config: DetectorConfig) -> None:
        """Recompute both gains for a new sample period."""
        self.alpha = 1.0 - math.exp(-period_s / config.smoothing_s)
        self.beta = 1.0 - math.exp(-period_s / config.reference_tracking_s)

    def update(self, present: bool, ap_cm: float, ml_cm: float) -> None:
        """Take one usable sample; a sample without a person on the pad resets the smoothing."""
        if present:
            if self.valid:
                self.ap_cm += self.alpha * (ap_cm - self.ap_cm)
                self.ml_cm += self.alpha * (ml_cm - self.ml_cm)
            else:
                self.ap_cm, self.ml_cm, self.valid = ap_cm, ml_cm, True
        else:
            self.valid = False


@dataclass(slots=True)
class TraceFrame:
    """One fed frame as it came, kept so that its recent past and the held part can be measured.

    Its COP is worked out only when a span is read back (`StanceTrace.between`): per frame the
    detector needs each sample's COP once, in plain floats, and most frames are never read back.
    """

    loads_kg: FloatArray
    """Corner loads ``(n, 4)``, never written to."""
    start_s: float
    period_s: float
    usable: list[bool]
    """Finite and plausible; the detector clears it for a load spike after appending."""

    @property
    def last_s(self) -> float:
        """When the frame's last sample was taken."""
        return self.start_s + (len(self.usable) - 1) * self.period_s


class TraceSamples(NamedTuple):
    """Kept samples of a span of time, one array per column."""

    time_s: FloatArray
    ap_cm: FloatArray
    ml_cm: FloatArray
    total_kg: FloatArray
    finite: BoolArray
    usable: BoolArray


class StanceTrace:
    """The frames of the current test, and what is measured on them when it ends."""

    def __init__(self, geometry: PadGeometry, presence_kg: float) -> None:
        """Start empty; the COP is measured on ``geometry``, from ``presence_kg`` of load on."""
        self._geometry = geometry
        self._presence_kg = presence_kg
        self._frames: list[TraceFrame] = []

    def append(self, frame: TraceFrame) -> None:
        """Keep one frame."""
        self._frames.append(frame)

    def clear(self) -> None:
        """Forget every frame (nobody on the pad yet, or the test is over)."""
        self._frames.clear()

    def between(self, from_s: float, to_s: float) -> TraceSamples:
        """Return the kept samples in ``[from_s, to_s)``."""
        frames = [f for f in self._frames if f.last_s >= from_s and f.start_s <= to_s]
        counts = np.array([len(f.usable) for f in frames], dtype=np.int64)
        # Each sample's time as the detector had it: its frame's start + index · period.
        index = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        time_s = np.repeat([f.start_s for f in frames], counts) + index * np.repeat(
            [f.period_s for f in frames], counts
        )
        inside = (time_s >= from_s - 1e-9) & (time_s < to_s - 1e-9)
        loads = np.concatenate([f.loads_kg for f in frames] or [np.empty((0, 4))])[inside]
        cop = centre_of_pressure(loads, self._geometry, min_total_kg=self._presence_kg)
        usable = np.fromiter(
            (flag for f in frames for flag in f.usable), dtype=bool, count=time_s.size
        )
        return TraceSamples(
            time_s[inside],
            cop.ap_cm,
            cop.ml_cm,
            cop.total_kg,
            ~np.isnan(loads).any(axis=1),
            usable[inside],
        )

    def signal_quality(
        self, from_s: float, to_s: float, config: DetectorConfig
    ) -> set[QualityFlag]:
        """``gaps`` and ``too_noisy`` over the held part."""
        time_s, ap_cm, _, _, finite, usable = self.between(from_s, to_s)
        flags: set[QualityFlag] = set()
        if time_s.size == 0:
            return flags
        good_s = time_s[usable & np.isfinite(ap_cm)]
        edges = np.concatenate(([from_s], good_s, [to_s]))
        if good_s.size == 0 or float(np.max(np.diff(edges))) > config.short_gap_s:
            flags.add(QualityFlag.GAPS)
        if (
            np.count_nonzero(~finite) > config.max_missing_fraction * time_s.size
            or np.count_nonzero(finite & ~usable) > config.max_implausible_fraction * time_s.size
        ):
            flags.add(QualityFlag.TOO_NOISY)
        return flags

    def sway(
        self, from_s: float, to_s: float, rate_hz: float, config: DetectorConfig
    ) -> SwayMeasures | None:
        """Sway measures of the held part: missing samples interpolated, then low-passed."""
        if to_s - from_s < config.min_sway_s:
            return None
        time_s, ap_cm, ml_cm, _, _, usable = self.between(from_s, to_s)
        good = usable & np.isfinite(ap_cm) & np.isfinite(ml_cm)
        if np.count_nonzero(good) < max(MIN_SAMPLES, 3 * (FILTER_ORDER + 1) + 1):
            return None
        ap = np.interp(time_s, time_s[good], ap_cm[good])
        ml = np.interp(time_s, time_s[good], ml_cm[good])
        if config.sway_lowpass_hz < rate_hz / 2:
            filtered = lowpass_zero_phase(
                np.column_stack((ap, ml)), rate_hz, config.sway_lowpass_hz, FILTER_ORDER
            )
            ap, ml = filtered[:, 0], filtered[:, 1]
        try:
            return sway_measures(ap, ml, rate_hz)
        except ValueError:  # e.g. a trace that does not move at all has no mean frequency
            return None


def corner_rows(cells_kg: npt.ArrayLike) -> FloatArray:
    """Corner loads as a float ``(n, 4)`` array, or a ``ValueError`` saying what is wrong.

    The array is the caller's own when it is a read-only float array (as the parser makes
    them), else a copy: the detector keeps it.
    """
    loads = as_corner_rows(cells_kg, "cells_kg", single_row=False)
    if loads.flags.writeable:
        if loads is cells_kg or loads.base is not None:
            loads = loads.copy()
        loads.flags.writeable = False
    # One check for the usual frame; NaN (a missed reading) makes it look closer.
    if loads.size and not float(np.abs(loads).max()) <= MAX_ABS_LOAD_KG:
        readings = loads[~np.isnan(loads)]
        if np.isinf(readings).any():
            raise ValueError("cells_kg contains infinite values; use NaN for a missed reading")
        if (np.abs(readings) > MAX_ABS_LOAD_KG).any():  # 1e308 kg would overflow the body mass
            raise ValueError(f"cells_kg holds a load beyond the protocol's ±{MAX_ABS_LOAD_KG:g} kg")
    return loads


def frame_clock(t_first_s: float, rate_hz: float) -> tuple[float, float]:
    """Return the frame's start time and rate as floats, or raise a ``ValueError``."""
    for name, value in (("t_first_s", t_first_s), ("rate_hz", rate_hz)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if rate_hz <= 0:
        raise ValueError(f"rate_hz must be positive, got {rate_hz!r}")
    return float(t_first_s), float(rate_hz)
