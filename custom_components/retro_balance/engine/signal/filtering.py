"""Zero-phase Butterworth low-pass filter in NumPy, equal to SciPy's ``filtfilt(*butter(...))``.

Posturography code commonly low-passes COP at 10 Hz with a 4th-order Butterworth filter run
forwards and backwards (Quijoux et al. 2021). The design here is the textbook one SciPy uses:
analog Butterworth poles, cutoff prewarped with ``2·fs·tan(π·fc/fs)``, bilinear transform, all
zeros at z = −1, unit gain at DC. It is applied as second-order sections (numerically safer than
one high-order polynomial) with SciPy's ``filtfilt`` defaults: odd extension of
``padlen = 3·(order + 1)`` samples at both ends and steady-state initial conditions, so a constant
signal passes unchanged. The result matches SciPy's ``sosfiltfilt`` to about 1e-14 of the
signal's size at usual cutoffs and 1e-10 at a cutoff of 1/2000 of the sampling rate.

The recursion runs without a per-sample Python loop, by the exact block state-space method
(Burrus 1972, "Block realization of digital filters"). The cascade of sections is one
state-space system ``s[k+1] = A·s[k] + B·u[k]``, ``y[k] = C·s[k] + D·u[k]``, with impulse response
``h[0] = D``, ``h[m] = C·A^(m−1)·B``. A block of ``L`` inputs ``u`` that starts in state ``s``
gives, with nothing truncated,

    y[i]   = C·A^i·s + Σ_{j ≤ i} h[i − j]·u[j]        (i = 0 … L−1)
    s_next = A^L·s + Σ_j A^(L−1−j)·B·u[j]

so every block is matrix products (a lower-triangular Toeplitz matrix of ``h`` and the
observability-like matrix of ``C·A^i``), and only the state is carried from block to block, for
all blocks at once by a doubling prefix sum. Each section is realised in the coupled (normal)
form rather than SciPy's direct form II transposed, so that powers of ``A`` do not amplify
rounding. The matrices depend only on ``(order, cutoff_hz, fs_hz)`` and are cached.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..arrays import FloatArray

Section = tuple[float, float, float, float, float]
"""One second-order section ``(b0, b1, b2, a1, a2)`` with ``a0 = 1``."""

MAX_ORDER = 12
BLOCK_SAMPLES = 32
"""Block length ``L``: the Toeplitz product costs ∝ L per sample; 32 to 128 run equally fast."""
SINGLE_THREAD_PRODUCT = 65_536 * 4
"""Largest matrix product (multiply-adds) that OpenBLAS keeps on the calling thread by default."""


@dataclass(frozen=True, kw_only=True)
class StateSpace:
    """A discrete linear system ``s[k+1] = A·s[k] + B·u[k]``, ``y[k] = C·s[k] + D·u[k]``."""

    a: FloatArray
    b: FloatArray
    c: FloatArray
    d: float
    dc_gain: float
    steady_state: FloatArray
    """The state that a constant unit input holds still: ``(I − A)·s = B``."""


@dataclass(frozen=True, kw_only=True)
class BlockFilter:
    """The exact block form of a :class:`StateSpace` for blocks of ``size`` samples."""

    size: int
    toeplitz: FloatArray
    """``(L, L)``: ``h[i − j]`` below the diagonal, zero above."""
    free_response: FloatArray
    """``(L, n)``: row ``i`` is ``C·A^i``, the output of the initial state alone."""
    transition: FloatArray
    """``(n, n)``: ``A^L``, the state carried across one block."""
    input_to_state: FloatArray
    """``(n, L)``: column ``j`` is ``A^(L−1−j)·B``, what input ``j`` leaves in the next state."""
    steady_state: FloatArray


def butterworth_lowpass_sections(order: int, cutoff_hz: float, fs_hz: float) -> list[Section]:
    """Digital Butterworth low-pass of ``order`` at ``cutoff_hz`` as second-order sections."""
    _check_design(order, cutoff_hz, fs_hz)
    two_fs = 2.0 * fs_hz
    warped = two_fs * np.tan(np.pi * cutoff_hz / fs_hz)
    # Left-half-plane poles of the analog prototype, scaled to the prewarped cutoff.
    m = np.arange(-order + 1, order, 2)
    analog_poles = -np.exp(1j * np.pi * m / (2 * order)) * warped
    digital_poles = (two_fs + analog_poles) / (two_fs - analog_poles)

    sections: list[Section] = []
    for pole in digital_poles[digital_poles.imag > 0]:
        a1, a2 = float(-2.0 * pole.real), float(abs(pole) ** 2)
        gain = (1.0 + a1 + a2) / 4.0
        sections.append((gain, 2.0 * gain, gain, a1, a2))
    if order % 2:
        real_pole = float(digital_poles[np.argmin(np.abs(digital_poles.imag))].real)
        gain = (1.0 - real_pole) / 2.0
        sections.append((gain, gain, 0.0, -real_pole, 0.0))
    _check_poles_representable(sections, cutoff_hz, fs_hz)
    return sections


def lowpass_zero_phase(
    x: npt.ArrayLike, fs_hz: float, cutoff_hz: float = 10.0, order: int = 4
) -> FloatArray:
    """Zero-phase Butterworth low-pass of ``x`` (``(N,)`` or ``(N, k)``, along axis 0).

    Equal to ``scipy.signal.filtfilt(*scipy.signal.butter(order, cutoff_hz, fs=fs_hz), x, axis=0)``.
    The effective order is doubled (forwards and backwards) and the gain at ``cutoff_hz`` is
    −6 dB. Needs more than ``3·(order + 1)`` finite samples.
    """
    _check_design(order, cutoff_hz, fs_hz)
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
    if signal.size == 0:  # shape (N, 0): no columns to filter
        return signal.copy()
    block = _block_filter(order, float(cutoff_hz), float(fs_hz))
    columns = signal.reshape(signal.shape[0], -1)
    return _filtfilt(columns, block, padlen).reshape(signal.shape)


def _check_design(order: int, cutoff_hz: float, fs_hz: float) -> None:
    """Raise a ``ValueError`` naming the parameter that no Butterworth low-pass can have."""
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order must be an integer from 1 to {MAX_ORDER}, got {order!r}")
    if not np.isfinite(fs_hz) or fs_hz <= 0:
        raise ValueError(f"fs_hz must be a positive number, got {fs_hz!r}")
    if not np.isfinite(cutoff_hz) or not 0 < cutoff_hz < fs_hz / 2:
        raise ValueError(
            f"cutoff_hz must lie between 0 and the Nyquist frequency {fs_hz / 2:g} Hz, "
            f"got {cutoff_hz!r}"
        )


def _check_poles_representable(sections: list[Section], cutoff_hz: float, fs_hz: float) -> None:
    """Raise a ``ValueError`` if rounding put a pole on z = 1 or made a pole pair real.

    That happens only for cutoffs of about 1e-9 of the sampling rate and below, where it would
    return NaN or, as SciPy does, refuse.
    """
    for _, _, _, a1, a2 in sections:
        on_unit_circle = 1.0 + a1 + a2 <= 0.0
        pair_made_real = a2 != 0.0 and a2 - a1 * a1 / 4.0 <= 0.0
        if on_unit_circle or pair_made_real:
            raise ValueError(
                f"cutoff_hz {cutoff_hz!r} is too low for fs_hz {fs_hz!r}: the filter's poles "
                "round onto z = 1 in double precision"
            )


@functools.lru_cache(maxsize=32)
def _block_filter(order: int, cutoff_hz: float, fs_hz: float) -> BlockFilter:
    """Design, state space and block matrices for one ``(order, cutoff_hz, fs_hz)``, cached."""
    sections = butterworth_lowpass_sections(order, cutoff_hz, fs_hz)
    return _block_form(_cascade_state_space(sections), BLOCK_SAMPLES)


def _cascade_state_space(sections: list[Section]) -> StateSpace:
    """Realise the sections in series as one state-space system."""
    system = _section_state_space(sections[0])
    for section in sections[1:]:
        system = _in_series(system, _section_state_space(section))
    return system


def _section_state_space(section: Section) -> StateSpace:
    """Realise one section; a pole pair ``σ ± iω`` in the coupled (normal) form.

    Direct form II transposed, the form SciPy runs, has states ``(z1, z2)`` with
    ``A = [[−a1, 1], [−a2, 0]]``, ``B = [b1 − a1·b0, b2 − a2·b0]``, ``C = [1, 0]``, ``D = b0``.
    For poles near z = 1 (low cutoffs) that ``A`` is far from normal: ``‖A^m‖`` grows to
    hundreds before it decays, and the block method would multiply rounding errors by as much.
    The similar matrix ``[[σ, ω], [−ω, σ]]`` is a scaled rotation with ``‖A^m‖ = |p|^m ≤ 1``,
    and so is ``I − A``, which makes the steady state an exact solve. A first-order section
    (``a2 = b2 = 0``) needs only the state ``z1``.
    """
    b0, b1, b2, a1, a2 = section
    dc_gain = (b0 + b1 + b2) / (1.0 + a1 + a2)
    direct_b = np.array([b1 - a1 * b0, b2 - a2 * b0])
    if a2 == 0.0:
        a = np.array([[-a1]])
        b = direct_b[:1]
        c = np.array([1.0])
    else:
        sigma = -a1 / 2.0
        omega = np.sqrt(a2 - sigma**2)
        a = np.array([[sigma, omega], [-omega, sigma]])
        # Basis T = [[1, 0], [−σ, ω]] (real and imaginary part of an eigenvector of the direct
        # form's A): B' = T⁻¹·B, C' = C·T = [1, 0].
        b = np.array([direct_b[0], (sigma * direct_b[0] + direct_b[1]) / omega])
        c = np.array([1.0, 0.0])
    steady_state = np.linalg.solve(np.eye(a.shape[0]) - a, b)
    return StateSpace(a=a, b=b, c=c, d=b0, dc_gain=dc_gain, steady_state=steady_state)


def _in_series(first: StateSpace, second: StateSpace) -> StateSpace:
    """Join two systems so that the output of ``first`` is the input of ``second``.

    ``A = [[A1, 0], [B2·C1, A2]]``, ``B = [B1; B2·D1]``, ``C = [D2·C1, C2]``, ``D = D2·D1``; in
    the steady state ``second`` sees the constant input ``DC gain of first``.
    """
    n1, n2 = first.a.shape[0], second.a.shape[0]
    a = np.zeros((n1 + n2, n1 + n2))
    a[:n1, :n1] = first.a
    a[n1:, :n1] = np.outer(second.b, first.c)
    a[n1:, n1:] = second.a
    return StateSpace(
        a=a,
        b=np.concatenate((first.b, second.b * first.d)),
        c=np.concatenate((second.d * first.c, second.c)),
        d=second.d * first.d,
        dc_gain=second.dc_gain * first.dc_gain,
        steady_state=np.concatenate((first.steady_state, second.steady_state * first.dc_gain)),
    )


def _block_form(system: StateSpace, size: int) -> BlockFilter:
    """Compute the exact block matrices of ``system`` for blocks of ``size`` samples."""
    n = system.a.shape[0]
    powers_b = np.empty((size, n))  # row m: A^m·B
    powers_c = np.empty((size, n))  # row m: C·A^m
    powers_b[0], powers_c[0] = system.b, system.c
    for m in range(1, size):
        powers_b[m] = system.a @ powers_b[m - 1]
        powers_c[m] = powers_c[m - 1] @ system.a
    impulse = np.concatenate(([system.d], powers_c[:-1] @ system.b))
    lag = np.subtract.outer(np.arange(size), np.arange(size))
    toeplitz = np.where(lag >= 0, impulse[np.clip(lag, 0, None)], 0.0)
    transition = np.linalg.matrix_power(system.a, size)
    matrices = (toeplitz, powers_c, transition, powers_b[::-1].T.copy(), system.steady_state)
    for matrix in matrices:
        matrix.setflags(write=False)  # shared by every call through the cache
    return BlockFilter(
        size=size,
        toeplitz=matrices[0],
        free_response=matrices[1],
        transition=matrices[2],
        input_to_state=matrices[3],
        steady_state=matrices[4],
    )


def _filtfilt(x: FloatArray, block: BlockFilter, padlen: int) -> FloatArray:
    """Forward-backward filtering of the columns of ``x``, as ``scipy.signal.filtfilt`` does."""
    extended = _odd_extension(x, padlen)
    forward = _run_blocks(extended, block)
    backward = _run_blocks(forward[::-1], block)[::-1]
    return backward[padlen:-padlen]


def _odd_extension(x: FloatArray, padlen: int) -> FloatArray:
    """``x`` with ``padlen`` samples mirrored through its first and last values at each end."""
    head = 2.0 * x[0] - x[padlen:0:-1]
    tail = 2.0 * x[-1] - x[-2 : -padlen - 2 : -1]
    return np.concatenate((head, x, tail))


def _run_blocks(u: FloatArray, block: BlockFilter) -> FloatArray:
    """Filter the columns of ``u`` block by block, starting at rest at their first value.

    The input is zero-padded to whole blocks; the filter is causal, so the padding changes no
    output that is kept.
    """
    n_samples, n_columns = u.shape
    size = block.size
    n_blocks = -(-n_samples // size)
    padded = np.zeros((n_blocks * size, n_columns))
    padded[:n_samples] = u
    # (L, blocks·k): one column per block and signal, so each step is one matrix product.
    inputs = padded.reshape(n_blocks, size, n_columns).transpose(1, 0, 2).reshape(size, -1)
    driven = _product(block.input_to_state, inputs).reshape(-1, n_blocks, n_columns)
    states = _carry_states(block.transition, np.outer(block.steady_state, u[0]), driven)
    free = _product(block.free_response, states.reshape(-1, inputs.shape[1]))
    outputs = _product(block.toeplitz, inputs) + free
    y = outputs.reshape(size, n_blocks, n_columns).transpose(1, 0, 2).reshape(-1, n_columns)
    return y[:n_samples]


def _carry_states(transition: FloatArray, initial: FloatArray, driven: FloatArray) -> FloatArray:
    """Return the state at every block start: ``s[0] = initial``, ``s[b+1] = Φ·s[b] + w[b]``.

    ``driven`` is ``(n, blocks, k)`` holding ``w[b]`` and ``Φ = A^L``. Written as the prefix sum
    ``s[b] = Σ_{j ≤ b} Φ^(b−j)·v[j]`` with ``v = (initial, w[0], w[1], …)``, it takes
    ``⌈log2(blocks)⌉`` vectorised doubling steps (Hillis & Steele 1986) instead of one Python step
    per block: after the step with ``shift = 2^m``, ``v[b]`` sums the ``2^(m+1)`` terms ending at
    ``b``.
    """
    n_state, n_blocks, n_columns = driven.shape
    sums = np.concatenate((initial[:, np.newaxis], driven[:, :-1]), axis=1)
    power = transition
    shift = 1
    while shift < n_blocks:
        earlier = _product(power, sums[:, :-shift].reshape(n_state, -1))
        sums[:, shift:] += earlier.reshape(n_state, -1, n_columns)
        power = power @ power
        shift *= 2
    return sums


def _product(matrix: FloatArray, columns: FloatArray) -> FloatArray:
    """Return ``matrix @ columns``, in column chunks small enough for BLAS to stay on one thread.

    OpenBLAS, which NumPy's wheels ship, spreads a product of more than 65,536·4 multiply-adds
    over threads. On a busy two-core Home Assistant host waking them costs milliseconds (a
    128×128 by 128×94 product: median 0.04 ms, 99th percentile 12 ms) for microseconds of work.
    """
    rows, inner = matrix.shape
    chunk = max(1, SINGLE_THREAD_PRODUCT // (rows * inner))
    if columns.shape[1] <= chunk:
        return matrix @ columns
    parts = [
        matrix @ columns[:, start : start + chunk] for start in range(0, columns.shape[1], chunk)
    ]
    return np.concatenate(parts, axis=1)
