"""What the *Balance care* dashboard's views are built from: pads, people, words and small cards.

`dashboard.py` collects the pads and people (`PadPage`, `Member`) and the translations (`Texts`);
`dashboard_views` (the daily check, care and trend views) and `dashboard_coach` (the walking
view) turn them into cards with the helpers here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .const import DOMAIN
from .engine.trends.measure import TrendMeasure
from .reason_texts import option_key

type Card = dict[str, Any]
SELECTOR: Final = "dashboard"
CHECK_PATH: Final = "check"
CARE_PATH: Final = "care"
WALKING_PATH: Final = "walking"
FIXED_PATHS: Final = frozenset({CHECK_PATH, CARE_PATH, WALKING_PATH})
"""Addresses of the views that are not a person's (a person's view takes another)."""


@dataclass(frozen=True, kw_only=True)
class Member:
    """A person on the dashboard: their name, view path, entities by key, statistic ids."""

    name: str
    path: str
    entities: Mapping[str, str]
    statistic: Callable[[TrendMeasure, str], str]
    """The id of their long-term statistic of a measure ("", "_baseline" or "_level")."""


@dataclass(frozen=True, kw_only=True)
class PadPage:
    """A pad on the dashboard: its name, entities by key, hold cap and people."""

    name: str
    entities: Mapping[str, str]
    cap_s: float
    people: tuple[Member, ...]


class Texts:
    """The dashboard's words in Home Assistant's language (English fills gaps)."""

    def __init__(self, translations: Mapping[str, str]) -> None:
        """Read from flattened translations (`selector` and `entity` categories)."""
        self._translations = translations

    def __call__(self, key: str, **placeholders: object) -> str:
        """Return a text of `selector.dashboard.options`, filled in."""
        template = self._translations.get(option_key(SELECTOR, key)) or key
        try:
            return template.format(**placeholders)
        except (KeyError, IndexError, ValueError):
            return key

    def entity(self, entity_id: str, key: str) -> str:
        """Return an entity's translated name (its key when it has none)."""
        platform = entity_id.split(".", 1)[0]
        return self._translations.get(f"component.{DOMAIN}.entity.{platform}.{key}.name", key)

    def option(self, selector: str, value: str, **placeholders: object) -> str:
        """Return the text of another selector's option (test and measure names), filled in."""
        template = self._translations.get(option_key(selector, value), value)
        if not placeholders:
            return template
        try:
            return template.format(**placeholders)
        except (KeyError, IndexError, ValueError):
            return template


def entity_rows(entities: Mapping[str, str], keys: Sequence[str], texts: Texts) -> list[Card]:
    """Return an entities card's rows for those of `keys` that exist, by their translated names."""
    return [
        {"entity": entities[key], "name": texts.entity(entities[key], key)}
        for key in keys
        if key in entities
    ]


def known(entity_id: str, card: Card) -> Card:
    """Show `card` only once the entity has a value (no "unknown" gauges or empty graphs)."""
    return {
        "type": "conditional",
        "conditions": [
            {"condition": "state", "entity": entity_id, "state_not": "unknown"},
            {"condition": "state", "entity": entity_id, "state_not": "unavailable"},
        ],
        "card": card,
    }


def press(entity_id: str, name: str, icon: str, icon_height: str) -> Card:
    """Return a button card that presses a button entity when tapped (no dialog, no "Press")."""
    return {
        "type": "button",
        "entity": entity_id,
        "name": name,
        "icon": icon,
        "icon_height": icon_height,
        "show_state": False,
        "tap_action": {
            "action": "perform-action",
            "perform_action": "button.press",
            "target": {"entity_id": entity_id},
        },
        "hold_action": {"action": "more-info"},
    }
