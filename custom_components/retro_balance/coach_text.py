"""The coach's words in Home Assistant's language: reasons, reminder messages, calendar texts.

The engine speaks in keys and figures; the texts live in `strings.json` (and
`translations/<language>.json`) under the entities that show them, so that where the frontend
shows such a key as an attribute it translates it itself:

- `entity.sensor.retro_walk_phase.state` — the phases; `….state_attributes.reasons.state.<code>`
  — every reason code, its figures as `{placeholders}`;
- `entity.event.retro_walk_reminder.state_attributes.<part>.state.<key>` — the reminder's title
  (`message`), safety advice, focus, support, dual task, and the sentences of `text`;
- `entity.calendar.retro_walk_calendar.state_attributes.message.state.<summary key>` and
  `….description.state.<description key>`.

The composed texts (a reason, the whole reminder) are for attributes and automations: a phone
notification or a speaker reads them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN, LOGGER
from .engine.coach.messages import ReminderMessage
from .engine.coach.planning import CalendarKey
from .engine.coach.programme import Phase, plan_for
from .engine.coach.reasons import Figure, Reason

PREFIX = f"component.{DOMAIN}.entity."
PHASE_SENSOR = "sensor.retro_walk_phase"
REMINDER_EVENT = "event.retro_walk_reminder"
CALENDAR = "calendar.retro_walk_calendar"


def phase_key(phase: Phase) -> str:
    """Return the state key of a phase (`phase_1` …), as the phase sensor and select show it."""
    return f"phase_{int(phase)}"


def _figure(value: Figure) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class CoachTexts:
    """The coach's texts in one language (English where a translation lacks one)."""

    def __init__(self, strings: Mapping[str, str], language: str = "en") -> None:
        """Hold the integration's flattened entity translations."""
        self._strings = strings
        self.language = language

    @classmethod
    async def async_load(cls, hass: HomeAssistant) -> CoachTexts:
        """Read the texts in Home Assistant's language."""
        language = hass.config.language
        strings = await async_get_translations(hass, language, "entity", {DOMAIN})
        return cls(strings, language)

    def text(self, path: str, **figures: Figure) -> str:
        """Return the text at `entity.<path>` with its figures; the path itself if it is missing."""
        template = self._strings.get(PREFIX + path)
        if template is None:
            LOGGER.warning("No text for %s in language %s", path, self.language)
            return path.rsplit(".", 1)[-1]
        try:
            return template.format(**{name: _figure(value) for name, value in figures.items()})
        except (KeyError, IndexError, ValueError):
            LOGGER.warning("The text for %s does not fit its figures %s", path, figures)
            return template

    def phase(self, phase: Phase) -> str:
        """Return the name of a phase."""
        return self.text(f"{PHASE_SENSOR}.state.{phase_key(phase)}")

    def reason(self, reason: Reason) -> str:
        """Return one reason of a phase decision, with its figures."""
        return self.text(
            f"{PHASE_SENSOR}.state_attributes.reasons.state.{reason.code}", **reason.figures
        )

    def reminder_title(self) -> str:
        """Return the reminder's title ("Time to walk backwards")."""
        return self._reminder_part("message", "retro_walk_reminder")

    def reminder(self, message: ReminderMessage) -> str:
        """Return the whole reminder as sentences: the walk, its focus, safety, task, practice."""
        goal = message.hold_goal
        sentences = [
            self._reminder_part(
                "text",
                "walk_minutes",
                walk_minutes_min=message.walk_minutes_min,
                walk_minutes_max=message.walk_minutes_max,
            ),
            self._reminder_part("focus", message.focus.value),
            *(self._reminder_part("safety", advice.value) for advice in message.safety),
        ]
        if message.dual_task is not None:
            sentences.append(self._reminder_part("dual_task", message.dual_task.value))
        sentences.append(
            self._reminder_part(
                "text",
                "hold_goal_eyes_closed" if goal.eyes_closed else "hold_goal_eyes_open",
                hold_s=goal.hold_s,
            )
        )
        return " ".join(sentences)

    def _reminder_part(self, part: str, key: str, **figures: Figure) -> str:
        return self.text(f"{REMINDER_EVENT}.state_attributes.{part}.state.{key}", **figures)

    def calendar_summary(self, key: CalendarKey) -> str:
        """Return the summary of a calendar event."""
        return self.text(f"{CALENDAR}.state_attributes.message.state.{key.value}")

    def calendar_description(self, key: str, phase: Phase | None) -> str:
        """Return the description of a calendar event: the phase it belongs to, its walks."""
        if phase is None:
            return self.text(f"{CALENDAR}.state_attributes.description.state.{key}")
        plan = plan_for(phase)
        return self.text(
            f"{CALENDAR}.state_attributes.description.state.{key}",
            walk_minutes_min=plan.walk_minutes_min,
            walk_minutes_max=plan.walk_minutes_max,
        )
