"""What the person on the pad is told while a check runs: the instruction and the latest result.

The coordinator owns one `PadGuidance` and calls it when a check starts, after each batch of the
runner's events (`check_moved_on`), whenever the pad may have changed (`update`: the instruction
follows the check's progress and whether someone stands on the pad) and when the finished check
is stored (`check_stored`: its summary becomes the result), or a practice logged
(`practice_logged`). The instruction and the result go
into the snapshot; the *Instruction*, *Check progress* and *Check result* sensors show them. With
spoken guidance set up in the options, every new instruction, each trial's result, the start of a
hold and the check's summary are also said (`speech.Voice`), one utterance per update.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import async_get_cached_translations

from .check_summary import CheckSummary, GuidanceResult, PracticeSummary
from .const import DOMAIN
from .engine.clinical.session import SessionRecord
from .engine.detection.daily_check import CheckEvent, CheckEventKind
from .engine.detection.guidance import CheckProgress, Instruction, instruction, trial_outcomes
from .guidance_texts import (
    hold_started_text,
    instruction_text,
    result_text,
    summary_text,
    trial_text,
)
from .reason_texts import CATEGORY
from .speech import Voice


class PadGuidance:
    """The pad's instruction and latest result, and what is said aloud."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        """Nothing to say yet."""
        self._hass = hass
        self._voice = Voice(hass, entry)
        self.instruction = Instruction.NONE
        self.result: GuidanceResult | None = None
        self._check_over = False
        self._to_say: list[str] = []

    @callback
    def check_started(self) -> None:
        """Forget the last check's result: a new check begins."""
        self.result = None
        self._check_over = False

    @callback
    def check_moved_on(self, events: Sequence[CheckEvent]) -> None:
        """Take a batch of the runner's events: results of finished trials, the check's end."""
        outcomes = iter(trial_outcomes(events))
        for event in events:
            if event.kind is CheckEventKind.HOLD_STARTED:
                self._to_say.append(hold_started_text(self._texts()))
            elif event.kind is CheckEventKind.TRIAL_FINISHED and event.result is not None:
                self.result = next(outcomes)
                self._to_say.append(trial_text(self._texts(), self.result))
            elif event.kind is CheckEventKind.CHECK_FINISHED:
                self._check_over = True

    @callback
    def update(self, progress: CheckProgress | None, *, occupied: bool) -> bool:
        """Follow the check and the pad; return whether the instruction changed (and say it)."""
        if progress is None and not occupied:
            self._check_over = False  # the person stepped off after the check
        step = instruction(progress, check_over_on_pad=self._check_over and occupied)
        changed = step is not self.instruction
        self.instruction = step
        if changed and step is not Instruction.NONE:
            entity_texts = async_get_cached_translations(
                self._hass, self._hass.config.language, "entity", DOMAIN
            )
            self._to_say.append(instruction_text(entity_texts, step))
        self._say()
        return changed

    @callback
    def check_stored(self, record: SessionRecord | None, person: str | None) -> None:
        """Take the stored check (None: nothing measured): its summary becomes the result."""
        summary = CheckSummary.of(record, person)
        self.result = summary
        self._to_say.append(summary_text(self._texts(), summary))
        self._say()

    @callback
    def practice_logged(self, summary: PracticeSummary) -> None:
        """Take the finished practice: its summary becomes the result."""
        self.result = summary
        self._to_say.append(result_text(self._texts(), summary))
        self._say()

    def _texts(self) -> Mapping[str, str]:
        language = self._hass.config.language
        return async_get_cached_translations(self._hass, language, CATEGORY, DOMAIN)

    def _say(self) -> None:
        if self._to_say:
            self._voice.say(" ".join(_sentence(text) for text in self._to_say))
            self._to_say.clear()


def _sentence(text: str) -> str:
    """End a text like a sentence, so that a voice pauses after it."""
    return text if text.endswith((".", "!", "?")) else f"{text}."
