"""Properties of the trend detector (hypothesis, small and fast).

- a series that only improves never declines, whatever its gaps, caps and measure;
- hold times are compared as ratios: scaling every hold leaves every decision unchanged;
- the order in which observations arrive does not matter.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.retro_balance.engine.trends.assess import measure_history
from custom_components.retro_balance.engine.trends.detector import detect
from custom_components.retro_balance.engine.trends.measure import HOLD_MEASURES, SPECS, TrendMeasure
from custom_components.retro_balance.engine.trends.series import daily_series
from tests.engine.trends.series_builders import observations

FAST = settings(max_examples=40, deadline=None, database=None)

measures = st.sampled_from(list(TrendMeasure))
gaps = st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=60)
steps = st.lists(st.floats(min_value=0.0, max_value=0.5), min_size=1, max_size=60)


def _improving(measure: TrendMeasure, start: float, rises: list[float]) -> list[float]:
    """Values that never get worse: longer holds, less sway, a higher score."""
    spec = SPECS[measure]
    path = np.cumsum([0.0, *rises])
    if spec.measure is TrendMeasure.BALANCE_SCORE:
        return list(np.minimum(spec.maximum, 10.0 * start + 20.0 * path))
    if spec.higher_is_better:
        return list(start * np.exp(path))
    return list(start / np.exp(path))


@FAST
@given(
    measure=measures,
    start=st.floats(min_value=0.2, max_value=5.0),
    rises=steps,
    gaps=gaps,
    cap=st.sampled_from([None, 10.0, 30.0, 60.0]),
)
def test_a_series_that_only_improves_never_declines(measure, start, rises, gaps, cap):
    values = _improving(measure, start, rises)
    days = np.cumsum([0, *gaps])[: len(values)]
    values = values[: len(days)]
    hold_cap = cap if measure in HOLD_MEASURES else None
    detection = detect(daily_series(measure, observations(values, days=days, cap=hold_cap)))
    assert not detection.declining.any()
    assert not (detection.z > 0).any()


@FAST
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    drop=st.floats(min_value=0.05, max_value=1.0),
    factor=st.floats(min_value=1.0, max_value=50.0),
)
def test_scaling_every_hold_changes_no_decision(seed, drop, factor):
    rng = np.random.default_rng(seed)
    values = 5.0 * np.exp(rng.normal(0.0, 0.4, 50))
    values[30:] *= drop
    values = np.maximum(values, 1.0)  # the log floor is 1 s
    huge_cap = 1e9
    a = detect(daily_series(TrendMeasure.SINGLE_LEG_RIGHT, observations(values, cap=huge_cap)))
    b = detect(
        daily_series(TrendMeasure.SINGLE_LEG_RIGHT, observations(values * factor, cap=huge_cap))
    )
    assert np.array_equal(a.declining, b.declining)
    assert np.array_equal(a.status, b.status)


@FAST
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), measure=measures)
def test_the_order_of_observations_does_not_matter(seed, measure):
    rng = np.random.default_rng(seed)
    values = np.clip(20.0 * np.exp(rng.normal(0.0, 0.5, 40)), 0.0, 100.0)
    obs = observations(values, days=np.cumsum(rng.integers(1, 4, 40)))
    shuffled = [obs[i] for i in rng.permutation(len(obs))]
    assert measure_history(measure, obs).trends == measure_history(measure, shuffled).trends
