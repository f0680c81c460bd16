"""Balance trends per person and measure: baseline, current level, slope, decline and recovery.

Pure functions over dated values (no Home Assistant imports); the method, the measurement-error
figures it rests on and its limits are in ``docs/trends.md``. Modules:

- ``measure``: the five measures, their scale, cap and published measurement error;
- ``series``: dated observations → one value per day (the day's best), censoring at the cap;
- ``robust``: censored median, robust spread, Theil–Sen slope;
- ``detector``: the decline and recovery rules over a whole series, as arrays;
- ``reasons``, ``sources``: reason codes and the references behind them;
- ``results``, ``describe``, ``assess``: result types, a session described, the public API (a
  baseline started again from a day splits a history in two);
- ``risk``: a fall-risk level raised by a confirmed decline;
- ``inputs``: a person's stored sessions → the observations of each measure;
- ``daily``: one row per session day (value, baseline band, current level) for statistics;
- ``effect``: the retro-walking programme's weeks against the weeks before;
- ``command``: the ``trend`` command line.
"""
