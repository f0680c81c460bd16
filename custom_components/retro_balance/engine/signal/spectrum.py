"""Welch power spectral density in NumPy, equal to ``scipy.signal.welch`` for these settings.

Welch (1967): split the signal into overlapping segments, remove each segment's mean (constant
detrend), multiply by a periodic Hann window, and average the segments' periodograms. Scaling is
a one-sided density in units²/Hz: ``|FFT|² / (fs · Σw²)``, doubled for every bin except DC (and
Nyquist when the FFT length is even), so that the integral over frequency equals the variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class Spectrum:
    """One-sided power spectral density: ``density[..., i]`` at ``frequency_hz[i]``."""

    frequency_hz: FloatArray
    density: FloatArray


def periodic_hann(length: int) -> FloatArray:
    """Periodic (DFT-even) Hann window ``0.5 − 0.5·cos(2πn/length)``, as SciPy's ``get_window``."""
    n = np.arange(length)
    window: FloatArray = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / length)
    return window


def welch_psd(x: npt.ArrayLike, fs_hz: float, nperseg: int, noverlap: int) -> Spectrum:
    """Welch PSD of ``x`` along its last axis (``(N,)`` or ``(k, N)``), FFT length ``nperseg``.

    Periodic Hann window, constant detrend per segment, one-sided density, mean of segments —
    ``scipy.signal.welch(x, fs, window="hann", nperseg=nperseg, noverlap=noverlap)``.
    """
    signal = np.asarray(x, dtype=np.float64)
    length = signal.shape[-1]
    if not 0 <= noverlap < nperseg <= length:
        raise ValueError(
            f"Welch needs 0 <= noverlap < nperseg <= N; got noverlap={noverlap}, "
            f"nperseg={nperseg}, N={length}"
        )
    step = nperseg - noverlap
    segment_count = (length - noverlap) // step
    segments = np.lib.stride_tricks.sliding_window_view(signal, nperseg, axis=-1)[
        ..., : segment_count * step : step, :
    ]
    window = periodic_hann(nperseg)
    detrended = segments - segments.mean(axis=-1, keepdims=True)
    spectra = np.fft.rfft(detrended * window, n=nperseg, axis=-1)
    power = spectra.real**2 + spectra.imag**2
    power *= 1.0 / (fs_hz * np.sum(window**2))
    last_doubled = None if nperseg % 2 else -1
    power[..., 1:last_doubled] *= 2.0
    frequency_hz = np.fft.rfftfreq(nperseg, d=1.0 / fs_hz).astype(np.float64)
    return Spectrum(
        frequency_hz=frequency_hz,
        density=power.mean(axis=-2),
    )
