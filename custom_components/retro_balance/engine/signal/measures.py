"""Standard sway measures of a centre-of-pressure (COP) trace, one function per measure.

Definitions follow Prieto et al. 1996 ("Measures of postural steadiness", IEEE Trans Biomed Eng
43:956) with the conventions Santos & Duarte 2016 (PeerJ 4:e2648) used for their published
``COParea``, ``COPvelo`` and ``COPmfreq``; with them this module reproduces those values to about
1e-12 relative. The conventions that change numbers are stated where they are used:

- velocity divides by the trial duration ``N / fs`` (not ``(N − 1) / fs``);
- RMS uses the population form (``1 / N``) of the mean-removed signal;
- the ellipse uses the sample covariance (``ddof = 1``) and the exact F-based ``k``
  (not the chi-square approximation 5.991, which is 0.08 % smaller at N = 6000);
- mean frequency uses Welch with a periodic Hann window, segments of ``N // 2`` with ``N // 4``
  overlap, and combines the two axes weighted by each axis's summed power.

Every function takes AP and/or ML in cm at a uniform rate ``fs_hz``, needs at least
:data:`MIN_SAMPLES` finite samples, and raises ``ValueError`` with a clear message otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray
from .spectrum import welch_psd

MIN_SAMPLES = 10
"""Fewest samples any measure accepts: enough for a covariance and two Welch segments."""

ELLIPSE_PROBABILITY = 0.95


@dataclass(frozen=True, slots=True, kw_only=True)
class SwayMeasures:
    """All standard sway measures of one trial (lengths in cm, frequencies in Hz)."""

    samples: int
    duration_s: float
    path_length_cm: float
    mean_velocity_cm_s: float
    mean_velocity_ap_cm_s: float
    mean_velocity_ml_cm_s: float
    rms_ap_cm: float
    rms_ml_cm: float
    range_ap_cm: float
    range_ml_cm: float
    ellipse_area95_cm2: float
    mean_frequency_hz: float

    def as_dict(self) -> dict[str, float | int]:
        """Return the measures as a plain ``{name: value}`` mapping (JSON-friendly)."""
        return asdict(self)


def path_length_cm(ap_cm: npt.ArrayLike, ml_cm: npt.ArrayLike) -> float:
    """Total COP path: ``Σ sqrt(ΔAP² + ΔML²)`` over consecutive samples, in cm (Prieto 1996)."""
    ap, ml = _validated_pair(ap_cm, ml_cm)
    return float(np.sum(np.hypot(np.diff(ap), np.diff(ml))))


def mean_velocity_cm_s(ap_cm: npt.ArrayLike, ml_cm: npt.ArrayLike, fs_hz: float) -> float:
    """Mean COP speed: path length / (N / fs), in cm/s (Prieto 1996; Santos & Duarte 2016).

    Divides by ``N / fs`` like the Santos & Duarte reference values, not by ``(N − 1) / fs``.
    """
    ap, ml = _validated_pair(ap_cm, ml_cm)
    return path_length_cm(ap, ml) / _duration_s(ap.size, fs_hz)


def axis_mean_velocity_cm_s(axis_cm: npt.ArrayLike, fs_hz: float) -> float:
    """Mean speed along one axis: ``Σ |Δx| / (N / fs)``, in cm/s (Prieto 1996)."""
    axis = _validated_axis(axis_cm, "axis_cm")
    return float(np.sum(np.abs(np.diff(axis)))) / _duration_s(axis.size, fs_hz)


def rms_cm(axis_cm: npt.ArrayLike) -> float:
    """RMS distance along one axis: ``sqrt(mean((x − x̄)²))`` (population form), cm (Prieto 1996)."""
    axis = _validated_axis(axis_cm, "axis_cm")
    return float(np.sqrt(np.mean((axis - axis.mean()) ** 2)))


def range_cm(axis_cm: npt.ArrayLike) -> float:
    """Range along one axis: ``max − min``, in cm (Prieto 1996)."""
    axis = _validated_axis(axis_cm, "axis_cm")
    return float(np.max(axis) - np.min(axis))


def f_quantile_2(probability: float, denominator_dof: int) -> float:
    """Quantile of the F(2, m) distribution in closed form: ``(m / 2)·((1 − p)^(−2/m) − 1)``.

    Follows from the F(2, m) survival function ``(1 + 2x/m)^(−m/2)``; equal to
    ``scipy.stats.f.ppf(p, 2, m)``.
    """
    if not 0 < probability < 1:
        raise ValueError(f"probability must lie strictly between 0 and 1, got {probability!r}")
    if denominator_dof < 1:
        raise ValueError(f"denominator degrees of freedom must be >= 1, got {denominator_dof!r}")
    m = float(denominator_dof)
    return float(m / 2.0 * ((1.0 - probability) ** (-2.0 / m) - 1.0))


def prediction_ellipse_k(samples: int, probability: float = ELLIPSE_PROBABILITY) -> float:
    """Scale of the bivariate prediction ellipse: ``k = F(p; 2, N−2) · 2(N−1)(N+1) / (N(N−2))``.

    Exact F-based value (Santos & Duarte 2016; BMC ``hyperellipsoid``), not chi-square 5.991.
    """
    if samples < 3:
        raise ValueError(f"a prediction ellipse needs at least 3 samples, got {samples}")
    n = float(samples)
    return f_quantile_2(probability, samples - 2) * 2.0 * (n - 1) * (n + 1) / (n * (n - 2))


def ellipse_area95_cm2(ap_cm: npt.ArrayLike, ml_cm: npt.ArrayLike) -> float:
    """Area of the 95 % prediction ellipse: ``π · k · sqrt(λ1·λ2)``, in cm² (Santos & Duarte 2016).

    ``λ1·λ2`` is the determinant of the 2×2 sample covariance (``ddof = 1``) of (AP, ML) and
    ``k`` comes from :func:`prediction_ellipse_k` (F distribution, not chi-square).
    """
    ap, ml = _validated_pair(ap_cm, ml_cm)
    return _ellipse_area_cm2(ap, ml)


def mean_frequency_hz(ap_cm: npt.ArrayLike, ml_cm: npt.ArrayLike, fs_hz: float) -> float:
    """Mean frequency of sway, both axes combined, in Hz (Prieto 1996; Santos & Duarte 2016).

    Per axis: Welch PSD ``P`` of the mean-removed signal (periodic Hann window, ``nperseg = N//2``,
    ``noverlap = N//4``, ``nfft = N//2``, constant detrend, one-sided density) and
    ``mf = ∫ f·P df / ∫ P df`` by the trapezoid rule. Combined:
    ``(mf_AP·ΣP_AP + mf_ML·ΣP_ML) / (ΣP_AP + ΣP_ML)``. A trace without any motion has no
    defined mean frequency: ``ValueError``.
    """
    ap, ml = _validated_pair(ap_cm, ml_cm)
    return _mean_frequency_hz(ap, ml, _positive_rate(fs_hz))


def sway_measures(ap_cm: npt.ArrayLike, ml_cm: npt.ArrayLike, fs_hz: float) -> SwayMeasures:
    """Every standard sway measure of a uniformly sampled COP trace (AP and ML in cm).

    Each field equals the single-measure function of the same name in this module.
    """
    ap, ml = _validated_pair(ap_cm, ml_cm)
    duration_s = _duration_s(ap.size, fs_hz)
    d_ap, d_ml = np.diff(ap), np.diff(ml)
    path_cm = float(np.sum(np.sqrt(d_ap * d_ap + d_ml * d_ml)))
    centred_ap, centred_ml = ap - ap.mean(), ml - ml.mean()
    return SwayMeasures(
        samples=int(ap.size),
        duration_s=duration_s,
        path_length_cm=path_cm,
        mean_velocity_cm_s=path_cm / duration_s,
        mean_velocity_ap_cm_s=float(np.sum(np.abs(d_ap))) / duration_s,
        mean_velocity_ml_cm_s=float(np.sum(np.abs(d_ml))) / duration_s,
        rms_ap_cm=float(np.sqrt(np.mean(centred_ap * centred_ap))),
        rms_ml_cm=float(np.sqrt(np.mean(centred_ml * centred_ml))),
        range_ap_cm=float(np.max(ap) - np.min(ap)),
        range_ml_cm=float(np.max(ml) - np.min(ml)),
        ellipse_area95_cm2=_ellipse_area_cm2(ap, ml),
        mean_frequency_hz=_mean_frequency_hz(ap, ml, fs_hz),
    )


def _ellipse_area_cm2(ap: FloatArray, ml: FloatArray) -> float:
    """Ellipse area for already validated axes (see :func:`ellipse_area95_cm2`)."""
    n = ap.size
    centred_ap, centred_ml = ap - ap.mean(), ml - ml.mean()
    var_ap = float(centred_ap @ centred_ap) / (n - 1)
    var_ml = float(centred_ml @ centred_ml) / (n - 1)
    cov = float(centred_ap @ centred_ml) / (n - 1)
    eigen_product = max(var_ap * var_ml - cov * cov, 0.0)  # rounding can dip a flat trace below 0
    return float(np.pi * prediction_ellipse_k(n) * np.sqrt(eigen_product))


def _mean_frequency_hz(ap: FloatArray, ml: FloatArray, fs_hz: float) -> float:
    """Mean frequency for already validated axes (see :func:`mean_frequency_hz`)."""
    n = ap.size
    axes = np.stack((ap - ap.mean(), ml - ml.mean()))
    spectrum = welch_psd(axes, fs_hz, nperseg=n // 2, noverlap=n // 4)
    f_hz, power = spectrum.frequency_hz, spectrum.density
    axis_power = np.trapezoid(power, f_hz, axis=-1)
    summed_power = power.sum(axis=-1)
    if not np.all(axis_power > 0):
        if np.any(axis_power > 0):
            # One still axis: its mean frequency is undefined but its weight below is zero.
            axis_power = np.where(axis_power > 0, axis_power, 1.0)
        else:
            raise ValueError("the COP trace does not move, so it has no mean frequency")
    axis_mean_hz = np.trapezoid(power * f_hz, f_hz, axis=-1) / axis_power
    return float(axis_mean_hz @ summed_power / summed_power.sum())


def _duration_s(samples: int, fs_hz: float) -> float:
    """Trial duration ``N / fs`` in seconds (the Santos & Duarte convention)."""
    return samples / _positive_rate(fs_hz)


def _positive_rate(fs_hz: float) -> float:
    """``fs_hz`` as a float, or ``ValueError`` when it is not a positive finite number."""
    if not np.isfinite(fs_hz) or fs_hz <= 0:
        raise ValueError(f"fs_hz must be a positive number, got {fs_hz!r}")
    return float(fs_hz)


def _validated_axis(values: npt.ArrayLike, name: str) -> FloatArray:
    """``values`` as a 1-D float array of at least :data:`MIN_SAMPLES` finite samples."""
    try:
        axis = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric: {err}") from err
    if axis.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {axis.shape}")
    if axis.size < MIN_SAMPLES:
        raise ValueError(
            f"{name} has {axis.size} samples; sway measures need at least {MIN_SAMPLES}"
        )
    if not np.isfinite(axis).all():
        bad = int(np.count_nonzero(~np.isfinite(axis)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); resample or trim first")
    return axis


def _validated_pair(ap_cm: npt.ArrayLike, ml_cm: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Both axes validated and of equal length."""
    ap = _validated_axis(ap_cm, "ap_cm")
    ml = _validated_axis(ml_cm, "ml_cm")
    if ap.size != ml.size:
        raise ValueError(f"ap_cm and ml_cm differ in length ({ap.size} vs {ml.size})")
    return ap, ml
