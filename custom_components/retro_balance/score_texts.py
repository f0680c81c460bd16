"""The balance score's make-up and the percentile's meaning, as sentences people can read.

"Single-leg stance, left: 28 of 100 points — 12.5 s held; 44.7 s earns full points.",
…, and the rule that adds them up; "Steadier than 70 of 100 people of the same age with eyes
closed … it is not a risk of falling." The points, targets and figures are the engine's stored
judgement of each test (`engine.clinical.scoring`); the texts are `selector.explanation.options`
(test names `selector.test.options`) in Home Assistant's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import async_get_cached_translations

from .const import DOMAIN
from .engine.clinical.assessment import BalanceAssessment, StanceJudgement
from .engine.clinical.outcomes import Outcome
from .person_results import headline_record, percentile, score, shown_score
from .reason_texts import CATEGORY, option_key
from .snapshot import PersonSessions

SELECTOR: Final = "explanation"
TEST_SELECTOR: Final = "test"
ATTR_MAKE_UP: Final = "make_up"
ATTR_MEANING: Final = "meaning"


def _text(translations: Mapping[str, str], key: str, **placeholders: object) -> str:
    template = translations.get(option_key(SELECTOR, key))
    fallback = " ".join([key, *(str(value) for value in placeholders.values())])
    try:
        return template.format(**placeholders) if template else fallback
    except (KeyError, IndexError, ValueError):
        return fallback  # a translation with a placeholder of its own making


def _number(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else f"{round(value, decimals):g}"


def _part(translations: Mapping[str, str], judged: StanceJudgement) -> str:
    test = translations.get(option_key(TEST_SELECTOR, judged.test.value), judged.test.value)
    points = "" if judged.points is None else shown_score(judged.points)
    if judged.outcome is Outcome.POSITION_NOT_TAKEN:
        return _text(translations, "points_position_not_taken", test=test, points=points)
    if judged.outcome is Outcome.STANCE_NOT_KEPT:
        return _text(translations, "points_stance_not_kept", test=test, points=points)
    if judged.test.is_quiet:
        return _text(
            translations,
            "points_quiet",
            test=test,
            points=points,
            velocity=_number(judged.velocity_cm_s, 2),
            target=_number(judged.target, 2),
        )
    return _text(
        translations,
        "points_timed",
        test=test,
        points=points,
        hold=_number(judged.hold_s),
        target=_number(judged.target),
    )


def make_up(translations: Mapping[str, str], assessment: BalanceAssessment) -> list[str]:
    """Say what each test earned towards the score, then how the score adds them up."""
    scored = [judged for judged in assessment.tests if judged.points is not None]
    return [*(_part(translations, judged) for judged in scored), _text(translations, "score_rule")]


def percentile_meaning(
    translations: Mapping[str, str], value: float, *, approximate: bool
) -> list[str]:
    """Say what the sway-steadiness percentile means, and that it is not a risk."""
    said = [_text(translations, "percentile", percentile=shown_score(value))]
    if approximate:
        said.append(_text(translations, "percentile_approximate"))
    return said


def _translations(hass: HomeAssistant) -> Mapping[str, str]:
    return async_get_cached_translations(hass, hass.config.language, CATEGORY, DOMAIN)


@callback
def explain_make_up(hass: HomeAssistant, person: PersonSessions) -> Mapping[str, Any]:
    """Return the `make_up` attribute of the balance score shown (none without a score)."""
    record = headline_record(score)(person)
    if record is None or record.assessment is None:
        return {}
    return {ATTR_MAKE_UP: make_up(_translations(hass), record.assessment)}


@callback
def explain_percentile(hass: HomeAssistant, person: PersonSessions) -> Mapping[str, Any]:
    """Return the `meaning` attribute of the percentile shown."""
    record = person.newest(percentile)
    assessed = None if record is None else record.assessment
    if assessed is None or (value := assessed.percentile) is None:
        return {}
    meaning = percentile_meaning(
        _translations(hass), value, approximate=assessed.percentile_approximate
    )
    return {ATTR_MEANING: meaning}
