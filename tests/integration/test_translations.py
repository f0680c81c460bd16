"""Every entity, action, error and repair has its English text and its icon."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from custom_components.retro_balance import (
    binary_sensor,
    button,
    calendar,
    coach_sensors,
    event,
    pad_sensors,
    select,
    sensor,
    switch,
    time,
)
from custom_components.retro_balance.check_notes import (
    NOTE_SELECTOR,
    REASON_SELECTOR,
    TEST_SELECTOR,
)
from custom_components.retro_balance.coach_changes import WEEKDAYS
from custom_components.retro_balance.coach_services import LOGGED_KINDS
from custom_components.retro_balance.const import (
    CONF_DAILY_TESTS,
    CONF_SEX,
    ISSUE_UNASSIGNED_SESSIONS,
    ISSUE_WEIGHT_RANGES,
)
from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.outcomes import Outcome
from custom_components.retro_balance.engine.coach.programme import Support
from custom_components.retro_balance.engine.detection.daily_check import IncompleteReason
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.engine.trends.reasons import TrendCode
from custom_components.retro_balance.guidance_sensors import GUIDANCE_SENSORS
from custom_components.retro_balance.logbook_texts import SELECTOR
from custom_components.retro_balance.person_results import ATTR_OUTCOME
from custom_components.retro_balance.settings import STANCE_TEST_KEYS, TEST_CHOICES

PACKAGE = Path(__file__).parents[2] / "custom_components" / "retro_balance"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGE / name).read_text())
    return data


def test_english_translation_is_strings_json() -> None:
    assert load("translations/en.json") == load("strings.json")


def test_no_unresolved_references() -> None:
    # Custom integrations get no [%key:...] resolution: every text must be literal.
    assert "[%key:" not in (PACKAGE / "translations" / "en.json").read_text()


def test_every_entity_has_name_and_icon() -> None:
    strings = load("strings.json")["entity"]
    icons = load("icons.json")["entity"]
    tables = {
        "binary_sensor": (*binary_sensor.BINARY_SENSORS, *binary_sensor.PERSON_BINARY_SENSORS),
        "button": (*button.BUTTONS, *button.PERSON_BUTTONS),
        "calendar": calendar.CALENDARS,
        "event": (event.PERSON_EVENT, event.PAD_EVENT, event.TREND_EVENT, event.REMINDER_EVENT),
        "select": (*select.SELECTS, *select.PERSON_SELECTS),
        "sensor": (
            *pad_sensors.PAD_SENSORS,
            *GUIDANCE_SENSORS,
            *sensor.PERSON_SENSORS,
            *coach_sensors.COACH_SENSORS,
        ),
        "switch": switch.SWITCHES,
        "time": time.TIMES,
    }
    for platform, descriptions in tables.items():
        for description in descriptions:
            key = description.translation_key
            assert key is not None
            assert strings[platform][key]["name"], (platform, key)
            assert icons[platform][key]["default"].startswith("mdi:"), (platform, key)
            for option in getattr(description, "options", None) or ():
                assert option in strings[platform][key]["state"], (platform, key, option)


def test_every_action_is_described() -> None:
    services = yaml.safe_load((PACKAGE / "services.yaml").read_text())
    strings = load("strings.json")["services"]
    icons = load("icons.json")["services"]
    assert set(services) == set(strings) == set(icons)
    for name, spec in services.items():
        assert set(spec["fields"]) == set(strings[name]["fields"]), name


def test_services_yaml_offers_the_engines_tests() -> None:
    """services.yaml cannot import the list of tests, so it is checked against it here."""
    services = yaml.safe_load((PACKAGE / "services.yaml").read_text())
    selector = services["start_test"]["fields"]["test"]["selector"]["select"]
    assert selector["options"] == list(TEST_CHOICES)
    assert services["start_test"]["fields"]["test"]["default"] == TEST_CHOICES[0]


def test_every_selector_option_is_translated() -> None:
    selectors = load("strings.json")["selector"]
    for key, options in (
        ("test", TEST_CHOICES),
        (CONF_DAILY_TESTS, STANCE_TEST_KEYS),
        (CONF_SEX, tuple(sex.value for sex in Sex)),
        ("trend_reason", tuple(code.value for code in TrendCode)),
        ("trend_measure", tuple(measure.value for measure in TrendMeasure)),
        ("activity_kind", tuple(kind.value for kind in LOGGED_KINDS)),
        ("support", tuple(support.value for support in Support)),
        ("weekday", WEEKDAYS),
    ):
        assert set(selectors[key]["options"]) == set(options), key


def test_every_hold_outcome_is_translated() -> None:
    """The hold-time sensors' `outcome` attribute is an enum with translated values."""
    sensors = load("strings.json")["entity"]["sensor"]
    for description in sensor.PERSON_SENSORS:
        if description.key.endswith("_time"):
            attribute = sensors[description.key]["state_attributes"][ATTR_OUTCOME]
            assert attribute["name"]
            assert set(attribute["state"]) == {outcome.value for outcome in Outcome}


def test_every_event_type_is_translated() -> None:
    strings = load("strings.json")["entity"]["event"]
    for description in (
        event.PERSON_EVENT,
        event.PAD_EVENT,
        event.TREND_EVENT,
        event.REMINDER_EVENT,
    ):
        key = description.translation_key
        assert key is not None
        states = strings[key]["state_attributes"]["event_type"]["state"]
        assert set(states) == set(description.event_types or ()), key


def test_reason_texts_use_only_their_placeholders() -> None:
    """A text may name the measure, the figure and the day, nothing else (trend_texts renders
    them); only a reason about a date names the day."""
    selectors = load("strings.json")["selector"]
    for code, text in selectors["trend_reason"]["options"].items():
        assert text.format(measure="M", figure="F", day="D"), code
        assert ("{day}" in text) == (code == TrendCode.BASELINE_RESTARTED), code


def test_every_text_the_integration_renders_itself_exists() -> None:
    """Logbook lines, notes on checks not counted and repairs: every case has its English text."""
    selectors = load("strings.json")["selector"]
    logbook = selectors[SELECTOR]["options"]
    for test in StanceTest:
        assert f"test_{test.value}" in logbook, test
        assert test.value in selectors[TEST_SELECTOR]["options"], test
    for reason in IncompleteReason:
        assert f"reason_{reason.value}" in logbook, reason
        assert reason.value in selectors[REASON_SELECTOR]["options"], reason
    for level in RiskLevel:
        assert f"risk_{level.value}" in logbook, level
    assert set(selectors[NOTE_SELECTOR]["options"]) == {
        "interrupted",
        "interrupted_unplanned",
        "partial",
        "partial_unplanned",
        "single_test",
    }
    issues = load("strings.json")["issues"]
    for kind in (ISSUE_WEIGHT_RANGES, ISSUE_UNASSIGNED_SESSIONS):
        assert issues[kind]["title"], kind
    assert set(issues[ISSUE_UNASSIGNED_SESSIONS]["fix_flow"]["step"]) == {"assign"}
    person_errors = load("strings.json")["config_subentries"]["person"]["error"]
    for key in ("weight_range_needed", "weight_range_overlaps", "others_without_range"):
        assert "{ranges}" in person_errors[key], key


def test_services_yaml_offers_the_coachs_choices() -> None:
    """The coach actions' select fields offer exactly what the actions take."""
    services = yaml.safe_load((PACKAGE / "services.yaml").read_text())

    def options(service: str, field: str) -> list[str]:
        found: list[str] = services[service]["fields"][field]["selector"]["select"]["options"]
        return found

    assert options("log_retro_walk", "kind") == [kind.value for kind in LOGGED_KINDS]
    assert options("log_retro_walk", "support") == [support.value for support in Support]
    assert options("set_retro_walk_days", "days") == list(WEEKDAYS)


LANGUAGES = sorted(
    path.stem for path in (PACKAGE / "translations").glob("*.json") if path.stem != "en"
)
"""Every language besides English (which is strings.json itself)."""


def flat(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Every text by its dotted key (`selector.guidance.options.no_result`)."""
    texts: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            texts |= flat(value, f"{prefix}{key}.")
        else:
            texts[f"{prefix}{key}"] = value
    return texts


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_dutch_and_german_are_there() -> None:
    assert {"nl", "de"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_exactly_the_keys_of_strings_json(language: str) -> None:
    """A key added to strings.json must be translated (the message lists what is missing)."""
    english = flat(load("strings.json"))
    translated = flat(load(f"translations/{language}.json"))
    missing = sorted(set(english) - set(translated))
    extra = sorted(set(translated) - set(english))
    assert not missing, (
        f"translations/{language}.json lacks {len(missing)} keys of strings.json; translate: "
        + ", ".join(missing)
    )
    assert not extra, (
        f"translations/{language}.json has {len(extra)} keys strings.json no longer has; "
        "remove: " + ", ".join(extra)
    )
    empty = sorted(key for key, text in translated.items() if not text.strip())
    assert not empty, f"translations/{language}.json has empty texts: {', '.join(empty)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders(language: str) -> None:
    """Home Assistant drops a translation whose placeholders differ from English's."""
    english = flat(load("strings.json"))
    translated = flat(load(f"translations/{language}.json"))
    wrong = [
        f"{key}: {sorted(placeholders(english[key]))} → {sorted(placeholders(text))}"
        for key, text in translated.items()
        if key in english and placeholders(text) != placeholders(english[key])
    ]
    assert not wrong, f"translations/{language}.json changes placeholders: " + "; ".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_is_a_translation(language: str) -> None:
    """Sentences differ from English (a copied English text would pass the other tests)."""
    english = flat(load("strings.json"))
    translated = flat(load(f"translations/{language}.json"))
    copied = [
        key
        for key, text in translated.items()
        if text == english.get(key) and len(text.split()) > 3
    ]
    assert not copied, f"translations/{language}.json has English sentences: {', '.join(copied)}"
