"""Centre of pressure (COP) and total load from the four corner load cells of a pad.

With cell centres ``W`` apart left-right and ``D`` apart front-back, corner loads
``TL, TR, BL, BR`` (top = toes side) and ``S = TL + TR + BL + BR``::

    ML = (W / 2) · ((TR + BR) − (TL + BL)) / S      (positive = right)
    AP = (D / 2) · ((TL + TR) − (BL + BR)) / S      (positive = forward, towards the toes)

COP is a ratio of loads, so any load unit gives the same position; the minimum-load rule does
need kilograms. Below about 20 kg total the position is meaningless (someone stepping on or off),
so it is NaN there, and wherever a cell reading is missing (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray

Corners = tuple[float, float, float, float]

DEFAULT_MIN_TOTAL_KG = 20.0
"""Below this total load the COP is NaN (posturography.md: someone stepping on or off)."""

MM_PER_CM = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PadGeometry:
    """Distances between the load-cell centres of a pad, in millimetres.

    ``width_mm`` is left-right (ML), ``depth_mm`` is front-back (AP).
    """

    width_mm: float
    depth_mm: float

    def __post_init__(self) -> None:
        """Reject a pad without a positive, finite size."""
        for name, value in (("width_mm", self.width_mm), ("depth_mm", self.depth_mm)):
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f"PadGeometry.{name} must be a positive number, got {value!r}")


WII_BALANCE_BOARD = PadGeometry(width_mm=433.0, depth_mm=238.0)
"""Sensor spacing of a Nintendo Wii Balance Board (posturography.md)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CellCalibration:
    """Per-cell linear calibration (corners ``tl, tr, bl, br``): ``kg = gain · raw + offset_kg``.

    ``gain`` converts a raw reading (ADC counts or an uncalibrated unit) to kilograms and
    ``offset_kg`` is added afterwards; taring the empty pad sets ``offset_kg = −gain · raw_empty``
    (see :meth:`tared`). A per-board linear calibration brings cheap boards to 0.5–2 mm COP
    error (Leach 2014).
    """

    gain: Corners = (1.0, 1.0, 1.0, 1.0)
    offset_kg: Corners = (0.0, 0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        """Reject calibrations that are not four finite numbers each, or have a zero gain."""
        for name, values in (("gain", self.gain), ("offset_kg", self.offset_kg)):
            if len(values) != 4 or not all(np.isfinite(v) for v in values):
                raise ValueError(
                    f"CellCalibration.{name} needs four finite numbers (tl, tr, bl, br), "
                    f"got {values!r}"
                )
        if any(g == 0 for g in self.gain):
            raise ValueError(f"CellCalibration.gain must not contain zero, got {self.gain!r}")

    @classmethod
    def tared(cls, raw_empty: Corners, gain: Corners = (1.0, 1.0, 1.0, 1.0)) -> CellCalibration:
        """Calibration whose offsets make the empty-pad readings ``raw_empty`` read 0 kg."""
        offset_kg = tuple(-g * r for g, r in zip(gain, raw_empty, strict=True))
        return cls(gain=gain, offset_kg=offset_kg)  # type: ignore[arg-type]

    def apply(self, raw: npt.ArrayLike) -> FloatArray:
        """Calibrated loads in kg from raw readings of shape ``(N, 4)`` or ``(4,)``."""
        readings = as_corner_rows(raw, "raw")
        loads_kg: FloatArray = readings * np.asarray(self.gain) + np.asarray(self.offset_kg)
        return loads_kg


@dataclass(frozen=True, slots=True, kw_only=True)
class CopTrace:
    """Centre of pressure per sample: AP and ML in cm (NaN where invalid) and total load."""

    ap_cm: FloatArray
    ml_cm: FloatArray
    total_kg: FloatArray


def centre_of_pressure(
    loads_kg: npt.ArrayLike,
    geometry: PadGeometry,
    *,
    min_total_kg: float = DEFAULT_MIN_TOTAL_KG,
    calibration: CellCalibration | None = None,
) -> CopTrace:
    """COP in cm from corner loads ``(N, 4)`` (or one row ``(4,)``) in order ``tl, tr, bl, br``.

    ``calibration``, when given, is applied to ``loads_kg`` first (they are then raw readings).
    COP is NaN where the total load is below ``min_total_kg`` or any corner is NaN;
    ``total_kg`` is NaN only where a corner is NaN. Formulas: see the module docstring.
    """
    if not np.isfinite(min_total_kg) or min_total_kg < 0:
        raise ValueError(f"min_total_kg must be a non-negative number, got {min_total_kg!r}")
    loads = as_corner_rows(loads_kg, "loads_kg")
    if calibration is not None:
        loads = calibration.apply(loads)
    tl, tr, bl, br = loads.T
    total_kg = tl + tr + bl + br
    valid = (total_kg >= min_total_kg) & (total_kg > 0)
    safe_total = np.where(valid, total_kg, np.nan)
    half_width_cm, half_depth_cm = half_size_cm(geometry)
    ml_cm = half_width_cm * ((tr + br) - (tl + bl)) / safe_total
    ap_cm = half_depth_cm * ((tl + tr) - (bl + br)) / safe_total
    return CopTrace(ap_cm=ap_cm, ml_cm=ml_cm, total_kg=total_kg)


def half_size_cm(geometry: PadGeometry) -> tuple[float, float]:
    """Half the cell spacing left-right (ML) and front-back (AP), in cm: W/2 and D/2."""
    return geometry.width_mm / MM_PER_CM / 2.0, geometry.depth_mm / MM_PER_CM / 2.0


def as_corner_rows(values: npt.ArrayLike, name: str, *, single_row: bool = True) -> FloatArray:
    """``values`` as a float array of shape ``(n, 4)``, or a ``ValueError`` naming ``name``.

    With ``single_row`` a single ``(4,)`` row becomes ``(1, 4)``; without it, it is refused.
    """
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric corner loads: {err}") from err
    if single_row and array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(
            f"{name} must have shape (n, 4) in corner order tl, tr, bl, br; got {array.shape}"
        )
    return array
