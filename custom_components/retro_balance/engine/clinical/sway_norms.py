"""Quiet-stance sway percentiles by age band and condition. Generated: do not edit.

Regenerate with ``scripts/derive-sway-norms``. Derived from ``BDSinfoCOP.txt`` of Santos DA,
Duarte M. "A public data set of human balance evaluations." PeerJ 4:e2648 (2016),
doi:10.7717/peerj.2648, licence CC-BY-4.0: 163 subjects, 60-s trials on a force plate, three
trials per condition, eyes open/closed on a firm surface or foam. Percentiles (NumPy's linear
method) are over trials; ``trials`` and ``subjects`` give the numbers behind each row.
``velocity_cm_s`` is the authors' ``COPvelo`` (mean COP speed), ``area_cm2`` their ``COParea``
(95 % prediction ellipse). Age bands are inclusive; the 18-59 band is mostly people under 40,
which is why each band is anchored at the median age of its subjects, not at its midpoint.
"""

from __future__ import annotations

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)

# One cell per age band and condition:
# (age_min, age_max, eyes, surface, trials, subjects, median age of the subjects).
CELLS: tuple[tuple[int, int, str, str, int, int, float], ...] = (
    (18, 59, "open", "firm", 261, 87, 25.5),
    (18, 59, "closed", "firm", 261, 87, 25.5),
    (18, 59, "open", "foam", 261, 87, 25.5),
    (18, 59, "closed", "foam", 258, 86, 25.5),
    (60, 69, "open", "firm", 102, 34, 65.9),
    (60, 69, "closed", "firm", 100, 34, 65.9),
    (60, 69, "open", "foam", 96, 32, 65.9),
    (60, 69, "closed", "foam", 96, 32, 65.9),
    (70, 120, "open", "firm", 126, 42, 75.5),
    (70, 120, "closed", "firm", 126, 42, 75.5),
    (70, 120, "open", "foam", 123, 41, 75.3),
    (70, 120, "closed", "foam", 120, 40, 75.3),
)

# Subjects per decade of age (20 means 20-29), all conditions: the same people stood them all.
SUBJECTS_BY_DECADE: dict[int, int] = {10: 4, 20: 61, 30: 15, 40: 5, 50: 2, 60: 34, 70: 34, 80: 8}

# Percentiles of COPvelo, cm/s, one row per cell in the same order.
VELOCITY_CM_S: tuple[tuple[float, ...], ...] = (
    (0.518, 0.559, 0.661, 0.795, 1.052, 1.321, 1.552),
    (0.554, 0.612, 0.683, 0.832, 1.145, 1.488, 1.821),
    (1.592, 1.707, 1.923, 2.226, 2.675, 3.102, 3.477),
    (2.009, 2.118, 2.412, 2.939, 3.56, 4.119, 5.569),
    (0.682, 0.715, 0.819, 0.976, 1.212, 1.564, 2.087),
    (0.668, 0.747, 0.915, 1.045, 1.279, 1.656, 2.051),
    (2.514, 2.6, 2.828, 3.31, 3.725, 4.381, 4.723),
    (2.966, 3.129, 3.448, 4.056, 4.547, 5.296, 5.923),
    (0.656, 0.714, 0.841, 1.058, 1.371, 1.844, 2.302),
    (0.628, 0.703, 0.914, 1.143, 1.462, 2.024, 2.458),
    (2.705, 2.821, 3.303, 3.759, 4.358, 4.883, 5.404),
    (2.967, 3.256, 3.694, 4.333, 5.007, 6.093, 6.607),
)

# Percentiles of COParea, cm², one row per cell in the same order.
AREA_CM2: tuple[tuple[float, ...], ...] = (
    (0.56, 0.78, 1.13, 2.02, 3.11, 4.38, 7.17),
    (0.72, 0.87, 1.34, 2.13, 3.48, 5.85, 7.99),
    (5.68, 6.31, 8.41, 11.48, 15.66, 21.5, 26.94),
    (6.83, 7.99, 10.81, 13.26, 18.33, 25.06, 29.44),
    (0.8, 0.98, 1.41, 2.18, 3.59, 5.05, 6.58),
    (0.72, 0.88, 1.32, 2.1, 3.16, 4.44, 5.0),
    (10.17, 11.48, 13.06, 17.62, 25.13, 28.77, 31.42),
    (11.67, 13.6, 16.24, 20.95, 32.33, 43.85, 49.83),
    (0.93, 1.05, 1.43, 2.18, 3.36, 4.5, 7.19),
    (0.77, 0.99, 1.44, 2.28, 3.48, 5.05, 6.62),
    (10.42, 12.12, 15.69, 19.64, 25.51, 31.64, 37.73),
    (14.23, 15.88, 19.3, 25.69, 34.41, 39.99, 48.15),
)
