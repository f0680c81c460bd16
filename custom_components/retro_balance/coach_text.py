"""The coach's words in the user's language: reasons, the reminder, calendar events.

The engine speaks in keys and figures; Home Assistant translates a state and an attribute that
holds one string, not a list or a message made of parts, so the sentences are rendered here, as
`reason_texts` and `trend_texts` do, from the integration's translations
(`strings.json`, `translations/<language>.json`):

- `selector.coach_reason.options.<code>` — every reason code, its figures as `{placeholders}`;
- `selector.coach_reminder.options.<key>` — the reminder's title and its sentences (the walk's
  minutes, the single-leg goal), with `selector.coach_focus`, `selector.coach_safety` and
  `selector.coach_dual_task` for the engine's keys;
- `selector.coach_calendar.options.<key>` — calendar summaries and the phases' descriptions.

Home Assistant keeps the integration's translations cached for the configured language (English
fills gaps), so rendering needs no I/O. A key without a text shows as the key (and is logged).
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_cached_translations

from .const import DOMAIN, LOGGER
from .engine.coach.messages import REMINDER_MESSAGE_KEY, ReminderMessage
from .engine.coach.planning import CalendarKey
from .engine.coach.programme import Phase, plan_for
from .engine.coach.reasons import Figure, Reason

CATEGORY = "selector"
REASON = "coach_reason"
REMINDER = "coach_reminder"
FOCUS = "coach_focus"
SAFETY = "coach_safety"
DUAL_TASK = "coach_dual_task"
CALENDAR = "coach_calendar"


def phase_key(phase: Phase) -> str:
    """Return the state key of a phase (`phase_1` …), as the phase sensor and select show it."""
    return f"phase_{int(phase)}"


def option_key(selector: str, option: str) -> str:
    """Return the flattened translation key of a selector option."""
    return f"component.{DOMAIN}.{CATEGORY}.{selector}.options.{option}"


def _figure(value: Figure) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class CoachTexts:
    """The coach's texts in one language (English where a translation lacks one)."""

    def __init__(self, translations: Mapping[str, str]) -> None:
        """Hold the integration's flattened selector translations."""
        self._translations = translations

    @classmethod
    def cached(cls, hass: HomeAssistant) -> CoachTexts:
        """Return the texts in Home Assistant's language, from its cache."""
        return cls(async_get_cached_translations(hass, hass.config.language, CATEGORY, DOMAIN))

    def text(self, selector: str, key: str, **figures: Figure) -> str:
        """Return the text of `selector`'s option `key` with its figures; the key if it has none."""
        template = self._translations.get(option_key(selector, key))
        if not template:
            LOGGER.warning("No text for %s %s", selector, key)
            return key
        try:
            return template.format(**{name: _figure(value) for name, value in figures.items()})
        except (KeyError, IndexError, ValueError):
            LOGGER.warning("The text of %s %s does not fit its figures %s", selector, key, figures)
            return template

    def reason(self, reason: Reason) -> str:
        """Return one reason of a phase decision, with its figures."""
        return self.text(REASON, reason.code.value, **reason.figures)

    def reminder_title(self) -> str:
        """Return the reminder's title ("Time to walk backwards")."""
        return self.text(REMINDER, REMINDER_MESSAGE_KEY)

    def reminder(self, message: ReminderMessage) -> str:
        """Return the whole reminder as sentences: the walk, its focus, safety, task, practice."""
        goal = message.hold_goal
        sentences = [
            self.text(
                REMINDER,
                "walk_minutes",
                walk_minutes_min=message.walk_minutes_min,
                walk_minutes_max=message.walk_minutes_max,
            ),
            self.text(FOCUS, message.focus.value),
            *(self.text(SAFETY, advice.value) for advice in message.safety),
        ]
        if message.dual_task is not None:
            sentences.append(self.text(DUAL_TASK, message.dual_task.value))
        hold = "hold_goal_eyes_closed" if goal.eyes_closed else "hold_goal_eyes_open"
        sentences.append(self.text(REMINDER, hold, hold_s=goal.hold_s))
        return " ".join(sentences)

    def calendar_summary(self, key: CalendarKey) -> str:
        """Return the summary of a calendar event."""
        return self.text(CALENDAR, key.value)

    def calendar_description(self, key: str, phase: Phase | None) -> str:
        """Return the description of a calendar event: the phase it belongs to, its walks."""
        if phase is None:
            return self.text(CALENDAR, key)
        plan = plan_for(phase)
        return self.text(
            CALENDAR,
            key,
            walk_minutes_min=plan.walk_minutes_min,
            walk_minutes_max=plan.walk_minutes_max,
        )
