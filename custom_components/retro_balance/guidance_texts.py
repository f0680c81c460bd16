"""The guidance in words: the check's progress, the latest result, what is spoken.

"Test 2 of 4: 10 of 30 s, trial 2 of 3", "Tandem stance: 30 s — well done", "Margaret: daily
check done, balance score 84. Thank you!". The texts are `selector.guidance.options.<key>` of
`strings.json` in Home Assistant's language (cached translations, English filling gaps); the
instruction itself is the *Instruction* sensor's translated state
(`entity.sensor.instruction.state.<step>`), so that the frontend shows the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .check_summary import CheckSummary, GuidanceResult, PracticeSummary
from .const import DOMAIN
from .engine.detection.guidance import CheckProgress, Instruction, TrialOutcome
from .person_results import shown_score
from .reason_texts import option_key
from .snapshot import shown_progress_s

SELECTOR: Final = "guidance"
REASON_SELECTOR: Final = "incomplete_reason"


def instruction_key(step: Instruction) -> str:
    """Return the flattened translation key of an instruction (the sensor's state)."""
    return f"component.{DOMAIN}.entity.sensor.instruction.state.{step.value}"


def _text(translations: Mapping[str, str], key: str, **placeholders: object) -> str:
    template = translations.get(option_key(SELECTOR, key))
    fallback = " ".join([key, *(str(value) for value in placeholders.values())])
    if not template:
        return fallback  # an integration newer than its translations
    try:
        return template.format(**placeholders)
    except (KeyError, IndexError, ValueError):
        return fallback  # a translation with a placeholder of its own making


def _seconds(value: float) -> str:
    return f"{round(value, 1):g}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def progress_text(translations: Mapping[str, str], progress: CheckProgress | None) -> str:
    """Say where the check is: "Test 2 of 4: 10 of 30 s, trial 2 of 3"."""
    if progress is None:
        return _text(translations, "progress_none")
    if progress.waiting_for_person:
        parts = [_text(translations, "progress_step_on")]
    elif progress.holding:
        elapsed = shown_progress_s(progress.elapsed_s)  # as the *Test progress* sensor
        target = _seconds(progress.target_s)
        parts = [_text(translations, "progress_hold", elapsed=elapsed, target=target)]
    else:
        parts = [_text(translations, "progress_get_ready")]
    if progress.trials > 1:
        parts.append(
            _text(translations, "progress_trial", trial=progress.trial, trials=progress.trials)
        )
    said = ", ".join(parts)
    if progress.tests == 1:
        return _capitalised(said)
    number = _text(translations, "progress_test", number=progress.test_number, tests=progress.tests)
    return f"{number}: {said}"


def said_test(translations: Mapping[str, str], test: str) -> str:
    """Name a test as the person is told about it ("Left leg")."""
    return _text(translations, f"test_{test}")


def trial_text(translations: Mapping[str, str], outcome: TrialOutcome) -> str:
    """Say how a trial went: "Tandem stance: 30 s — well done"."""
    return _text(
        translations,
        f"result_{outcome.verdict.value}",
        test=said_test(translations, outcome.test.value),
        hold=_seconds(outcome.hold_s),
    )


def summary_text(translations: Mapping[str, str], summary: CheckSummary) -> str:
    """Say what the check came to, for the person who did it."""
    if summary.tests_done == 0:
        return _text(translations, "summary_nothing")
    if summary.interrupted is not None:
        reason = summary.interrupted.value
        said_reason = translations.get(option_key(REASON_SELECTOR, reason), reason)
        key = "summary_interrupted" if summary.person else "summary_interrupted_unassigned"
        return _text(
            translations,
            key,
            name=summary.person,
            done=summary.tests_done,
            planned=summary.tests_planned,
            reason=said_reason,
        )
    if summary.person is None:
        return _text(translations, "summary_unassigned")
    if summary.single_test is not None and summary.hold_s is not None:
        return _text(
            translations,
            "summary_single_test",
            name=summary.person,
            test=said_test(translations, summary.single_test.value),
            hold=_seconds(summary.hold_s),
        )
    if summary.score is None:
        return _text(translations, "summary_no_score", name=summary.person)
    score = shown_score(summary.score)  # as the score sensor shows it
    return _text(translations, "summary_score", name=summary.person, score=score)


def practice_text(translations: Mapping[str, str], summary: PracticeSummary) -> str:
    """Say how the practice went: each leg's best hold, and whether the goal was reached."""
    key = "summary_practice_reached" if summary.goal_reached else "summary_practice"
    return _text(
        translations,
        key,
        name=summary.person,
        left=_seconds(summary.left_s),
        right=_seconds(summary.right_s),
        goal=_seconds(summary.goal_s),
    )


def result_text(translations: Mapping[str, str], result: GuidanceResult | None) -> str:
    """Say the latest result: the last trial's during a check, then the check's summary."""
    if result is None:
        return _text(translations, "no_result")
    if isinstance(result, TrialOutcome):
        return trial_text(translations, result)
    if isinstance(result, PracticeSummary):
        return practice_text(translations, result)
    return summary_text(translations, result)


def hold_started_text(translations: Mapping[str, str]) -> str:
    """Say that the timed hold started (the pad beeps "start")."""
    return _text(translations, "spoken_hold_started")


def instruction_text(translations: Mapping[str, str], step: Instruction) -> str:
    """Say an instruction (from the entity translations: the *Instruction* sensor's state)."""
    return translations.get(instruction_key(step), step.value)
