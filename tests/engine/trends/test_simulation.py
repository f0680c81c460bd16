"""A small run of benchmarks/trend_sim.py: the detector on simulated people, targets loosely.

The full benchmark (2,000 people, figures in docs/trends.md) holds the real targets: at most 0.5
false alarms per person-year and at least 90 % of 2×MDC declines flagged within 28 days. Here
200 people (seeded) must come within a loose margin of them.
"""

from benchmarks.trend_sim import MEASURES, figures, simulate


def test_simulated_people_meet_the_targets_loosely():
    people = simulate(people=200, seed=11)
    person = figures(people, MEASURES)
    assert person.false_alarms_per_year <= 0.5
    assert person.detected_2x >= 0.85
    assert person.detected_1x > 0.5
    assert person.median_delay_2x_days <= 0  # usually flagged before the decline has ended
