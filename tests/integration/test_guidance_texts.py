"""The guidance in words, from the English translations: every case, and broken translations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from homeassistant.helpers.translation import recursive_flatten

from custom_components.retro_balance.check_summary import CheckSummary, PracticeSummary
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.detection.daily_check import IncompleteReason
from custom_components.retro_balance.engine.detection.guidance import (
    CheckProgress,
    Instruction,
    TrialOutcome,
    TrialVerdict,
)
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    StancePhase,
    StanceTest,
)
from custom_components.retro_balance.guidance_texts import (
    instruction_text,
    progress_text,
    result_text,
    summary_text,
)
from tests.engine.clinical.session_records import result as hold

PACKAGE = Path(__file__).parents[2] / "custom_components" / "retro_balance"
STRINGS = json.loads((PACKAGE / "strings.json").read_text())
EN = recursive_flatten(f"component.{DOMAIN}.selector.", STRINGS["selector"]) | recursive_flatten(
    f"component.{DOMAIN}.entity.", STRINGS["entity"]
)


def progress(**changes: object) -> CheckProgress:
    values: dict[str, object] = {
        "test": StanceTest.SINGLE_LEG_LEFT,
        "test_number": 1,
        "tests": 1,
        "trial": 1,
        "trials": 1,
        "elapsed_s": 12.9,
        "target_s": 30.0,
        "phase": StancePhase.HOLDING,
    }
    return CheckProgress(**(values | changes))  # type: ignore[arg-type]


def summary(**changes: object) -> CheckSummary:
    values: dict[str, object] = {
        "person": "Margaret",
        "tests_done": 4,
        "tests_planned": 4,
        "interrupted": None,
        "score": 83.6,
    }
    return CheckSummary(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("shown", "said"),
    [
        (progress(), "10 of 30 s"),  # in steps of 5 s, as the Test progress sensor
        (progress(phase=StancePhase.READY), "Getting into position"),
        (progress(trials=3, trial=2), "10 of 30 s, trial 2 of 3"),
        (
            progress(test_number=3, tests=4, trials=3, trial=2),
            "Test 3 of 4: 10 of 30 s, trial 2 of 3",
        ),
        (
            progress(test_number=2, tests=4, phase=StancePhase.WAITING_FOR_PERSON),
            "Test 2 of 4: waiting for someone to step on",
        ),
        (progress(target_s=45.0, elapsed_s=0.4), "0 of 45 s"),
        (None, "No check running"),
    ],
)
def test_progress_in_words(shown: CheckProgress | None, said: str) -> None:
    assert progress_text(EN, shown) == said


@pytest.mark.parametrize(
    ("verdict", "said"),
    [
        (TrialVerdict.WELL_DONE, "Left leg: 12.5 s — well done"),
        (TrialVerdict.TRY_AGAIN, "Left leg: 12.5 s — let's try again"),
        (TrialVerdict.HELD, "Left leg: 12.5 s"),
        (TrialVerdict.STOPPED, "Left leg: stopped"),
    ],
)
def test_a_trial_in_words(verdict: TrialVerdict, said: str) -> None:
    outcome = TrialOutcome(test=StanceTest.SINGLE_LEG_LEFT, trial=1, hold_s=12.46, verdict=verdict)
    assert result_text(EN, outcome) == said


def test_a_position_not_taken_is_said_kindly() -> None:
    outcome = TrialOutcome(
        test=StanceTest.TANDEM, trial=1, hold_s=0.0, verdict=TrialVerdict.POSITION_NOT_TAKEN
    )
    assert result_text(EN, outcome) == "Tandem stance: position not taken — that is all right"


@pytest.mark.parametrize(
    ("checked", "said"),
    [
        (summary(), "Margaret: daily check done, balance score 84. Thank you!"),
        (summary(score=98.5), "Margaret: daily check done, balance score 99. Thank you!"),
        (summary(score=None), "Margaret: daily check done. Thank you!"),
        (
            summary(single_test=StanceTest.SINGLE_LEG_RIGHT, hold_s=0.0, score=None),
            "Margaret: Right leg 0 s. Thank you!",
        ),
        (
            summary(tests_done=1, interrupted=IncompleteReason.PERSON_ABSENT),
            "Margaret: the check stopped after 1 of 4 tests (nobody stepped back on the pad).",
        ),
        (
            summary(person=None, tests_done=2, interrupted=IncompleteReason.SIGNAL_LOST),
            "The check stopped after 2 of 4 tests (the pad's signal was lost).",
        ),
        (summary(person=None, score=None), "Check done and saved. Thank you!"),
        (
            summary(tests_done=0, tests_planned=0),
            "The check stopped before anything was measured.",
        ),
    ],
)
def test_a_check_in_words(checked: CheckSummary, said: str) -> None:
    assert summary_text(EN, checked) == said
    assert result_text(EN, checked) == said


def test_a_practice_in_words() -> None:
    """Each leg's best completed hold; a leg never held is 0 s; the goal reached on both."""
    left, right = StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT
    trials = [
        hold(left, 12.34),
        hold(left, 18.0),
        hold(right, 25.0, EndReason.CANCELLED),  # aborted: not a hold
    ]
    summary = PracticeSummary.of("Anna", trials, 30.0)
    assert (summary.left_s, summary.right_s, summary.goal_reached) == (18.0, 0.0, False)
    assert result_text(EN, summary) == (
        "Anna: practice done — best hold left 18 s, right 0 s; the goal is 30 s."
    )
    both = PracticeSummary.of("Anna", [hold(left, 30.0), hold(right, 30.0)], 30.0)
    assert result_text(EN, both) == (
        "Anna: practice done — 30 s on both legs, goal reached. Well done!"
    )


def test_no_result_yet() -> None:
    assert result_text(EN, None) == "No result yet"


def test_every_instruction_has_its_sentence() -> None:
    for step in Instruction:
        said = instruction_text(EN, step)
        assert said != step.value
        assert said[0].isupper(), step
    left = instruction_text(EN, Instruction.SINGLE_LEG_LEFT)
    assert left == "Stand on your left leg, arms crossed"


def test_missing_or_broken_translations_still_say_what_happened() -> None:
    key = f"component.{DOMAIN}.selector.guidance.options.result_well_done"
    broken = EN | {key: "{test}: {seconds} s — well done"}
    outcome = TrialOutcome(
        test=StanceTest.TANDEM, trial=1, hold_s=30.0, verdict=TrialVerdict.WELL_DONE
    )
    assert result_text(broken, outcome) == "result_well_done Tandem stance 30"
    missing = {k: v for k, v in EN.items() if k != key}
    assert result_text(missing, outcome) == "result_well_done Tandem stance 30"
    assert instruction_text({}, Instruction.STEP_ON) == "step_on"
