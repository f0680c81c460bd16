"""Zero-phase Butterworth low-pass filter in NumPy, equal to SciPy's ``filtfilt(*butter(...))``.

Posturography code commonly low-passes COP at 10 Hz with a 4th-order Butterworth filter run
forwards and backwards (Quijoux et al. 2021). The design here is the textbook one SciPy uses:
analog Butterworth poles, cutoff prewarped with ``2·fs·tan(π·fc/fs)``, bilinear transform, all
zeros at z = −1, unit gain at DC. It is applied as second-order sections (numerically safer than
one high-order polynomial) with SciPy's ``filtfilt`` defaults: odd extension of
``padlen = 3·(order + 1)`` samples at both ends and steady-state initial conditions, so a constant
signal passes unchanged and the result matches SciPy to about 1e-12.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Section = tuple[float, float, float, float, float]
"""One second-order section ``(b0, b1, b2, a1, a2)`` with ``a0 = 1``."""

MAX_ORDER = 12


def butterworth_lowpass_sections(order: int, cutoff_hz: float, fs_hz: float) -> list[Section]:
    """Digital Butterworth low-pass of ``order`` at ``cutoff_hz`` as second-order sections."""
    if not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order must be an integer from 1 to {MAX_ORDER}, got {order!r}")
    if not np.isfinite(fs_hz) or fs_hz <= 0:
        raise ValueError(f"fs_hz must be a positive number, got {fs_hz!r}")
    if not np.isfinite(cutoff_hz) or not 0 < cutoff_hz < fs_hz / 2:
        raise ValueError(
            f"cutoff_hz must lie between 0 and the Nyquist frequency {fs_hz / 2:g} Hz, "
            f"got {cutoff_hz!r}"
        )
    two_fs = 2.0 * fs_hz
    warped = two_fs * np.tan(np.pi * cutoff_hz / fs_hz)
    # Left-half-plane poles of the analog prototype, scaled to the prewarped cutoff.
    m = np.arange(-order + 1, order, 2)
    analog_poles = -np.exp(1j * np.pi * m / (2 * order)) * warped
    digital_poles = (two_fs + analog_poles) / (two_fs - analog_poles)

    sections: list[Section] = []
    for pole in digital_poles[digital_poles.imag > 0]:
        a1, a2 = -2.0 * pole.real, abs(pole) ** 2
        gain = (1.0 + a1 + a2) / 4.0
        sections.append((gain, 2.0 * gain, gain, a1, a2))
    if order % 2:
        real_pole = float(digital_poles[np.argmin(np.abs(digital_poles.imag))].real)
        gain = (1.0 - real_pole) / 2.0
        sections.append((gain, gain, 0.0, -real_pole, 0.0))
    return sections


def lowpass_zero_phase(
    x: npt.ArrayLike, fs_hz: float, cutoff_hz: float = 10.0, order: int = 4
) -> FloatArray:
    """Zero-phase Butterworth low-pass of ``x`` (``(N,)`` or ``(N, k)``, along axis 0).

    Equal to ``scipy.signal.filtfilt(*scipy.signal.butter(order, cutoff_hz, fs=fs_hz), x, axis=0)``.
    The effective order is doubled (forwards and backwards) and the gain at ``cutoff_hz`` is
    −6 dB. Needs more than ``3·(order + 1)`` finite samples.
    """
    sections = butterworth_lowpass_sections(order, cutoff_hz, fs_hz)
    signal = np.asarray(x, dtype=np.float64)
    if signal.ndim not in (1, 2):
        raise ValueError(f"x must be 1-D or 2-D (samples along axis 0), got shape {signal.shape}")
    padlen = 3 * (order + 1)
    if signal.shape[0] <= padlen:
        raise ValueError(
            f"x needs more than {padlen} samples for an order-{order} zero-phase filter, "
            f"got {signal.shape[0]}"
        )
    if not np.isfinite(signal).all():
        raise ValueError("x contains NaN or infinite values; remove or fill them before filtering")
    if signal.ndim == 1:
        return _filtfilt(signal, sections, padlen)
    return np.column_stack([_filtfilt(column, sections, padlen) for column in signal.T])


def _filtfilt(x: FloatArray, sections: list[Section], padlen: int) -> FloatArray:
    """Forward-backward filtering with odd extension, as ``scipy.signal.filtfilt`` does."""
    head = 2.0 * x[0] - x[padlen:0:-1]
    tail = 2.0 * x[-1] - x[-2 : -padlen - 2 : -1]
    extended = np.concatenate((head, x, tail)).tolist()
    forward = _cascade(extended, sections)
    backward = _cascade(forward[::-1], sections)[::-1]
    return np.asarray(backward[padlen:-padlen], dtype=np.float64)


def _cascade(x: list[float], sections: list[Section]) -> list[float]:
    """Run ``x`` through each section in turn (direct form II transposed).

    Each section starts in the steady state for a constant input equal to its first sample,
    which is what SciPy's ``lfilter_zi`` scaled by ``x[0]`` gives for the whole cascade.
    """
    for b0, b1, b2, a1, a2 in sections:
        level = x[0] * (b0 + b1 + b2) / (1.0 + a1 + a2)
        z2 = b2 * x[0] - a2 * level
        z1 = b1 * x[0] - a1 * level + z2
        out: list[float] = []
        append = out.append
        for sample in x:
            y = b0 * sample + z1
            z1 = b1 * sample - a1 * y + z2
            z2 = b2 * sample - a2 * y
            append(y)
        x = out
    return x
