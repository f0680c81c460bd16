"""Trend reasons as sentences: every code has a text, figures read as their code says."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import (
    async_get_cached_translations,
    async_get_translations,
)

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import PersonProfile
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.engine.trends.reasons import TrendCode, TrendReason
from custom_components.retro_balance.engine.trends.sources import TrendSource
from custom_components.retro_balance.snapshot import PersonSessions
from custom_components.retro_balance.trend_texts import (
    TREND_REASON,
    UNSAID,
    explain_trend,
    option_key,
    sentence,
)
from custom_components.retro_balance.trend_values import (
    declining,
    declining_details,
    declining_reasons,
    effect,
    raised_by_trend,
)

SLS = TrendMeasure.SINGLE_LEG_LEFT
SCORE = TrendMeasure.BALANCE_SCORE


def reason(code: TrendCode, measure: TrendMeasure, figure: float | None) -> TrendReason:
    return TrendReason(code=code, measure=measure, figure=figure, source=TrendSource.METHOD)


@pytest.fixture
async def translations(hass: HomeAssistant) -> None:
    """Load the integration's translations as Home Assistant does for its entities."""
    await async_get_translations(hass, "en", "selector", {DOMAIN})


@pytest.mark.usefixtures("translations")
@pytest.mark.parametrize(
    ("given", "text"),
    [
        (
            reason(TrendCode.CHANGE_BEYOND_ERROR, SLS, -62.4),
            "Single-leg stance left: -62 % from the baseline, beyond measurement error.",
        ),
        (
            # A change of the score reads whole, halves up, as the sensors show it.
            reason(TrendCode.CHANGE_WITHIN_ERROR, SCORE, 3.5),
            "Balance score: +4 points from the baseline, within measurement error.",
        ),
        (
            reason(TrendCode.CHANGE_BEYOND_ERROR, SCORE, -9.3),
            "Balance score: -9 points from the baseline, beyond measurement error.",
        ),
        (
            reason(TrendCode.MEASUREMENT_ERROR, SCORE, 3.25),
            "Balance score: the day-to-day measurement error is 3.2 points.",
        ),
        (
            reason(TrendCode.MEASUREMENT_ERROR, SLS, 40.8),
            "Single-leg stance left: the day-to-day measurement error is 41 %.",
        ),
        (
            reason(TrendCode.BASELINE_AT_CAP, SLS, 30.0),
            "Single-leg stance left: the baseline is held to the cap (30.0 s), so it is only a "
            "lower bound.",
        ),
        (
            reason(TrendCode.NO_RECENT_SESSIONS, TrendMeasure.TANDEM, 22.0),
            "Tandem stance: no session for 22 days; the last decision stands.",
        ),
    ],
)
async def test_figures_read_as_their_code_says(
    hass: HomeAssistant, given: TrendReason, text: str
) -> None:
    translations = async_get_cached_translations(hass, "en", "selector", DOMAIN)
    assert sentence(translations, given) == text


@pytest.mark.usefixtures("translations")
async def test_every_code_has_a_sentence_and_the_method_stays_a_code(hass: HomeAssistant) -> None:
    translations = async_get_cached_translations(hass, "en", "selector", DOMAIN)
    for code in TrendCode:
        text = sentence(translations, reason(code, SLS, 2.0))
        assert text.startswith("Single-leg stance left"), code
    said = explain_trend(hass, [reason(code, SLS, 2.0) for code in TrendCode])
    assert len(said) == len(TrendCode) - len(UNSAID)


def test_a_missing_or_broken_text_still_says_code_measure_and_figure() -> None:
    given = reason(TrendCode.CHANGE_BEYOND_ERROR, SLS, -20.0)
    assert sentence({}, given) == "change_beyond_error (single_leg_left: -20 %)"
    broken = {option_key(TREND_REASON, "change_beyond_error"): "{measure} {nonsense}"}
    assert sentence(broken, given) == "change_beyond_error (single_leg_left: -20 %)"
    no_figure = reason(TrendCode.NO_SESSIONS, SLS, None)
    assert sentence({}, no_figure) == "no_sessions (single_leg_left: )"


def test_without_a_trend_nothing_is_claimed() -> None:
    profile = PersonProfile(person_id="p", name="P", birth_year=1950, sex=Sex.FEMALE)
    person = PersonSessions(profile=profile, sessions=())
    assert declining(person) is None
    assert declining_reasons(person) == ()
    assert declining_details(person) is None
    assert effect(person) is None
    assert raised_by_trend(lambda _: "low")(person) == "low"
    assert raised_by_trend(lambda _: "not_judged")(person) == "not_judged"
