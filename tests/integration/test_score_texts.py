"""The score's make-up and the percentile's meaning in words, from the engine's judgement."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.helpers.translation import recursive_flatten

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.outcomes import (
    Outcome,
    StanceOutcome,
    Trial,
)
from custom_components.retro_balance.engine.clinical.scoring import assess_outcomes
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.score_texts import make_up, percentile_meaning

PACKAGE = Path(__file__).parents[2] / "custom_components" / "retro_balance"
EN = recursive_flatten(
    f"component.{DOMAIN}.selector.", json.loads((PACKAGE / "strings.json").read_text())["selector"]
)


def test_every_scored_test_says_its_points_then_the_rule() -> None:
    assessment = assess_outcomes(
        {
            StanceTest.TANDEM: StanceOutcome(
                test=StanceTest.TANDEM,
                outcome=Outcome.HELD,
                cap_s=30.0,
                trials=(Trial(hold_s=12.3),),
            ),
            StanceTest.SINGLE_LEG_LEFT: StanceOutcome(
                test=StanceTest.SINGLE_LEG_LEFT, outcome=Outcome.POSITION_NOT_TAKEN, cap_s=30.0
            ),
            StanceTest.QUIET_EYES_CLOSED: StanceOutcome(
                test=StanceTest.QUIET_EYES_CLOSED,
                outcome=Outcome.HELD,
                cap_s=30.0,
                trials=(Trial(hold_s=30.0, velocity_cm_s=1.66),),
            ),
            StanceTest.QUIET_EYES_OPEN: StanceOutcome(
                test=StanceTest.QUIET_EYES_OPEN,
                outcome=Outcome.STANCE_NOT_KEPT,
                cap_s=30.0,
                trials=(Trial(hold_s=4.0),),
            ),
        },
        78,
        Sex.FEMALE,
    )
    said = make_up(EN, assessment)
    assert said[:2] == [
        "Quiet stance, eyes open: 0 of 100 points — the stance was not kept long enough.",
        "Quiet stance, eyes closed: 50 of 100 points — sway 1.66 cm/s; a fit young adult's "
        "0.83 cm/s or steadier earns full points.",
    ]
    assert said[2] == "Tandem stance: 41 of 100 points — 12.3 s held; 30 s earns full points."
    assert said[3] == "Single-leg stance, left: 0 of 100 points — the position could not be taken."
    assert said[4].startswith("The score is the average of the kinds of test")
    # Not measured (single-leg right): no points, no sentence.
    assert len(said) == 5


def test_the_percentile_is_explained_as_no_risk() -> None:
    [said] = percentile_meaning(EN, 70.4, approximate=False)
    assert said.startswith("Steadier than 70 of 100 people of the same age")
    assert "not a risk of falling" in said
    assert percentile_meaning(EN, 12.0, approximate=True)[1] == (
        "Approximate: few reference measurements exist for this age."
    )


def test_a_broken_translation_still_says_the_figures() -> None:
    key = f"component.{DOMAIN}.selector.explanation.options.percentile"
    assert percentile_meaning(EN | {key: "{pct} %"}, 70.0, approximate=False) == ["percentile 70"]
    assert percentile_meaning({}, 70.0, approximate=False) == ["percentile 70"]
