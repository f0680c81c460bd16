"""Every fall-risk reason the engine can give has an English sentence, filled in with figures."""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_load_integrations

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical import fall_risk
from custom_components.retro_balance.engine.clinical.fall_risk import (
    REASON_TESTS,
    RiskReason,
    Severity,
    assess_fall_risk,
)
from custom_components.retro_balance.engine.clinical.outcomes import (
    Outcome,
    StanceOutcome,
    Trial,
)
from custom_components.retro_balance.engine.clinical.sources import Source
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.reason_texts import (
    AXIS_SELECTOR,
    REASON_SELECTOR,
    explain,
    option_key,
    sentence,
)

PACKAGE = Path(__file__).parents[2] / "custom_components" / "retro_balance"
STRINGS = json.loads((PACKAGE / "strings.json").read_text())
TEXTS: dict[str, str] = STRINGS["selector"][REASON_SELECTOR]["options"]
TRANSLATIONS = {
    option_key(selector, option): text
    for selector in (REASON_SELECTOR, AXIS_SELECTOR)
    for option, text in STRINGS["selector"][selector]["options"].items()
}
QUIET = (StanceTest.QUIET_EYES_OPEN, StanceTest.QUIET_EYES_CLOSED)
LEGS = (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT)


def variants(test: StanceTest) -> list[StanceOutcome]:
    """What a test can come to: each outcome, holds across every limit, slow and fast sway."""
    found = [
        StanceOutcome(test=test, outcome=Outcome.NOT_MEASURED),
        StanceOutcome(test=test, outcome=Outcome.POSITION_NOT_TAKEN, cap_s=30.0),
    ]
    for hold_s, speed in itertools.product((3.0, 7.0, 20.0), (None, 0.5, 9.0)):
        trial = Trial(
            hold_s=hold_s, velocity_cm_s=speed, velocity_ap_cm_s=speed, velocity_ml_cm_s=speed
        )
        kept = not test.is_quiet or hold_s >= 10.0
        outcome = Outcome.HELD if kept else Outcome.STANCE_NOT_KEPT
        found.append(StanceOutcome(test=test, outcome=outcome, cap_s=30.0, trials=(trial,)))
    return found


def every_reason() -> Iterator[RiskReason]:
    """Run the rules over every combination of the variants, for a child and an adult."""
    tandem, left, right = (variants(test) for test in (StanceTest.TANDEM, *LEGS))
    eyes_open, eyes_closed = (variants(test) for test in QUIET)
    for age_years in (12, 80):
        # The rules of one test look at that test only (single-leg: both legs), so each group
        # of variants is combined with the others held steady instead of all with all.
        steady = {test: variants(test)[-2] for test in StanceTest}
        groups = [
            [{StanceTest.TANDEM: t} for t in tandem],
            [dict(zip(LEGS, legs, strict=True)) for legs in itertools.product(left, right)],
            [{StanceTest.QUIET_EYES_OPEN: q} for q in eyes_open],
            [{StanceTest.QUIET_EYES_CLOSED: q} for q in eyes_closed],
        ]
        for group in groups:
            for changed in group:
                yield from assess_fall_risk(steady | changed, age_years).reasons


def codes_in_engine_source() -> set[str]:
    """Every code written in fall_risk.py: literals and `f"{test}_…"` for each quiet test."""
    codes: set[str] = set()
    prefixes = tuple(f"{test}_" for test in REASON_TESTS)
    for node in ast.walk(ast.parse(inspect.getsource(fall_risk))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith(prefixes) and " " not in node.value:
                codes.add(node.value)
        elif isinstance(node, ast.JoinedStr) and isinstance(node.values[-1], ast.Constant):
            suffix = str(node.values[-1].value)
            if len(node.values) == 2 and suffix.startswith("_") and " " not in suffix:
                codes |= {f"{test}{suffix}" for test in QUIET}
    return codes


REASONS = list(every_reason())
CODES = {reason.code for reason in REASONS}


def test_the_rules_reach_every_code_in_the_engine() -> None:
    """The enumeration is complete: no code of the engine's source goes unvisited."""
    assert len(CODES) == 20
    assert codes_in_engine_source() == CODES


def test_every_reason_code_has_a_text_and_no_text_is_stale() -> None:
    assert set(TEXTS) == CODES


@pytest.mark.parametrize("code", sorted(CODES))
def test_texts_use_only_the_figures_their_reasons_have(code: str) -> None:
    names = {name for _, name, _, _ in string.Formatter().parse(TEXTS[code]) if name}
    for reason in (r for r in REASONS if r.code == code):
        present = {
            name for name in ("figure", "limit", "axis") if getattr(reason, name) is not None
        }
        assert names <= present, (code, names, present)
        # A sign states what was measured against what; "not measured" has nothing to state.
        if reason.severity is not Severity.UNMEASURED and reason.figure:
            assert "figure" in names, code
        assert "{" not in sentence(TRANSLATIONS, reason), code


def sign(code: str, figure: float, limit: float, unit: str, axis: str | None = None) -> RiskReason:
    """A reason as the engine gives it (its test, severity and source do not change the text)."""
    return RiskReason(
        code=code,
        test="tandem",
        severity=Severity.MAJOR,
        source=Source.CDC_STEADI_2017,
        figure=figure,
        limit=limit,
        unit=unit,
        axis=axis,
    )


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (
            sign("tandem_under_10s", 6.456, 10.0, "s"),
            "Held tandem stance 6.5 s, under 10 s: an increased risk of falling (CDC STEADI).",
        ),
        (
            sign("single_leg_sway_high", 3.618, 3.4, "cm/s", axis="ml"),
            "Sway on one leg was fast: on average 3.62 cm/s side to side, above 3.4 cm/s in every "
            "hold of 10 s or more.",
        ),
        (
            sign("single_leg_position_not_taken", 0.0, 5.0, "s"),
            "Could not lift a foot to stand on one leg.",
        ),
    ],
)
def test_sentences_carry_the_figures(reason: RiskReason, expected: str) -> None:
    assert sentence(TRANSLATIONS, reason) == expected


def test_a_code_without_text_or_a_broken_text_falls_back_to_the_summary() -> None:
    newer = sign("tandem_wobbly", 4.0, 3.0, "cm/s")
    assert sentence(TRANSLATIONS, newer) == "tandem_wobbly: 4 cm/s (limit 3 cm/s)"
    broken = {option_key(REASON_SELECTOR, "tandem_wobbly"): "Wobbly {speed} cm/s"}
    assert sentence(broken, newer) == newer.message


async def test_explain_reads_home_assistants_translations(
    hass: HomeAssistant, init_integration: object
) -> None:
    """Loaded with the integration: the cached translations of the configured language."""
    reason = next(r for r in REASONS if r.code == "quiet_eyes_closed_stance_not_kept")
    assert hass.config.language == "en"
    (text,) = explain(hass, [reason])
    assert text.startswith("Stood still with eyes closed only ")
    assert text.endswith(": a Romberg-type loss of balance.")
    # Another language without a translation of its own gets the English text.
    hass.config.language = "nl"
    await async_load_integrations(hass, {DOMAIN})
    assert explain(hass, [reason]) == [text]
