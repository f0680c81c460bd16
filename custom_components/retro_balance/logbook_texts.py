"""The logbook's sentence for a check, from the `retro_balance_check` event's data.

"Margaret finished the daily check: score 84, fall risk low, quiet stance eyes closed 30 s,
tandem 30 s, single-leg left 12.5 s, single-leg right 9 s". The texts are
`selector.logbook.options.<key>` of `strings.json` in Home Assistant's language (the logbook has
no translation of its own for integration events); the figures are the event's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .const import DOMAIN
from .reason_texts import CATEGORY

SELECTOR: Final = "logbook"
PAD_NAME: Final = "Balance pad {pad_id}"
"""The pad device's name (`PadCoordinator`), for checks that have no person."""


def _text(translations: Mapping[str, str], key: str, **placeholders: object) -> str:
    template = translations.get(f"component.{DOMAIN}.{CATEGORY}.{SELECTOR}.options.{key}")
    if not template:
        return " ".join([key, *(str(value) for value in placeholders.values())])
    try:
        return template.format(**placeholders)
    except (KeyError, IndexError, ValueError):
        return " ".join([key, *(str(value) for value in placeholders.values())])


def _figure(value: float) -> str:
    return f"{value:g}"


def _results(translations: Mapping[str, str], data: Mapping[str, Any]) -> list[str]:
    parts: list[str] = []
    if data.get("score") is not None:
        parts.append(_text(translations, "score", value=data["score"]))
    if data.get("fall_risk") is not None:
        level = _text(translations, f"risk_{data['fall_risk']}")
        parts.append(_text(translations, "fall_risk", value=level))
    for test, hold_s in (data.get("holds") or {}).items():
        name = _text(translations, f"test_{test}")
        parts.append(_text(translations, "hold", test=name, value=_figure(hold_s)))
    return parts


def check_name(data: Mapping[str, Any]) -> str:
    """Who the logbook line is about: the person, or the pad when the check has nobody."""
    person = data.get("person")
    return str(person) if person else PAD_NAME.format(pad_id=data.get("pad_id", ""))


def check_message(translations: Mapping[str, str], data: Mapping[str, Any]) -> str:
    """Say what the check came to, after the name."""
    parts = _results(translations, data)
    if not data.get("person_id"):
        if data.get("weight_kg") is not None:
            parts.insert(0, _text(translations, "weight", value=_figure(data["weight_kg"])))
        return _text(translations, "unassigned", results=", ".join(parts))
    single = data.get("kind") == "single_test"
    if data.get("interrupted"):
        reason = _text(translations, f"reason_{data.get('incomplete_reason')}")
        if single:
            action = _text(translations, "interrupted_single_test", reason=reason)
        elif data.get("tests_planned"):
            action = _text(
                translations,
                "interrupted",
                done=data.get("tests_done"),
                planned=data["tests_planned"],
                reason=reason,
            )
        else:
            action = _text(
                translations, "interrupted_unplanned", done=data.get("tests_done"), reason=reason
            )
    else:
        action = _text(translations, "single_test" if single else "daily_check")
    if data.get("change") == "assigned":
        action = f"{action} {_text(translations, 'assigned_later')}"
    return f"{action}: {', '.join(parts)}" if parts else action
