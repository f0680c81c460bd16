"""Config flow: one entry per pad (MQTT discovery or by hand), people as subentries, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo

from .const import (
    CONF_CAP_S,
    CONF_DAILY_TESTS,
    CONF_PAD_ID,
    CONF_PREFIX,
    CONF_TRIALS,
    DOMAIN,
    SUBENTRY_PERSON,
)
from .engine.detection.check_plan import MAX_TRIALS
from .engine.detection.stance_config import MAX_CAP_S, MIN_CAP_S
from .engine.wire.messages import PadInfo, ProtocolError
from .engine.wire.protocol import parse_info
from .engine.wire.topics import DEFAULT_PREFIX, TopicKind, is_valid_pad_id, parse_topic
from .person_flow import PersonSubentryFlow
from .settings import DEFAULT_DAILY_TESTS, DEFAULT_PLAN, STANCE_TEST_KEYS, valid_prefix

if TYPE_CHECKING:
    from .data import RetroBalanceData

DISCOVERY_TOPIC = f"{DEFAULT_PREFIX}/+/{TopicKind.INFO.value}"


def pad_unique_id(prefix: str, pad_id: str) -> str:
    """Return the config entry's unique id: the topic prefix and the pad id."""
    return f"{prefix}/{pad_id}"


def _pad_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_PAD_ID, default=defaults.get(CONF_PAD_ID, vol.UNDEFINED)): str,
            vol.Required(CONF_PREFIX, default=defaults.get(CONF_PREFIX, DEFAULT_PREFIX)): str,
        }
    )


def _validate_pad(user_input: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not is_valid_pad_id(user_input[CONF_PAD_ID]):
        errors[CONF_PAD_ID] = "invalid_pad_id"
    if not valid_prefix(user_input[CONF_PREFIX]):
        errors[CONF_PREFIX] = "invalid_prefix"
    return errors


def _testing(entry: ConfigEntry) -> bool:
    """Whether a check is running on the loaded pad."""
    if entry.state is not ConfigEntryState.LOADED:
        return False
    data: RetroBalanceData = entry.runtime_data
    return data.coordinator.data.pad.testing


class RetroBalanceConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a balance pad: discovered from its retained info message or entered by hand."""

    VERSION = 1

    def __init__(self) -> None:
        """Start without a discovered pad."""
        self._pad_id: str | None = None
        self._info: PadInfo | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> RetroBalanceOptionsFlow:
        """Return the options flow: test cap and the daily-check sequence."""
        return RetroBalanceOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """People who use the pad are subentries of it."""
        return {SUBENTRY_PERSON: PersonSubentryFlow}

    async def async_step_mqtt(self, discovery_info: MqttServiceInfo) -> ConfigFlowResult:
        """Handle a pad that announced itself with its retained info message."""
        if discovery_info.subscribed_topic != DISCOVERY_TOPIC:
            return self.async_abort(reason="invalid_discovery_info")
        parsed = parse_topic(discovery_info.topic, DEFAULT_PREFIX)
        if parsed is None or parsed[1] is not TopicKind.INFO:
            return self.async_abort(reason="invalid_discovery_info")
        try:
            info = parse_info(discovery_info.payload)
        except ProtocolError as err:
            if err.reason == "wrong_version":
                return self.async_abort(reason="unsupported_version")
            return self.async_abort(reason="invalid_discovery_info")
        self._pad_id, self._info = parsed[0], info
        await self.async_set_unique_id(pad_unique_id(DEFAULT_PREFIX, self._pad_id))
        self._abort_if_unique_id_configured()
        self.context["title_placeholders"] = {"name": self._pad_id}
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask before adding a discovered pad."""
        assert self._pad_id is not None
        assert self._info is not None
        if user_input is not None:
            return self.async_create_entry(
                title=self._pad_id,
                data={CONF_PREFIX: DEFAULT_PREFIX, CONF_PAD_ID: self._pad_id},
            )
        self._set_confirm_only()
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={
                "pad_id": self._pad_id,
                "model": self._info.model,
                "firmware": self._info.firmware,
            },
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add a pad by its id and topic prefix."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _validate_pad(user_input)
            if not errors:
                prefix, pad_id = user_input[CONF_PREFIX], user_input[CONF_PAD_ID]
                await self.async_set_unique_id(pad_unique_id(prefix, pad_id))
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=pad_id, data={CONF_PREFIX: prefix, CONF_PAD_ID: pad_id}
                )
        return self.async_show_form(
            step_id="user", data_schema=_pad_schema(user_input or {}), errors=errors
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the pad id or topic prefix of an existing pad (e.g. after reflashing it)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _validate_pad(user_input)
            if not errors and _testing(entry):
                # New topics reload the pad, which would cancel the check.
                errors["base"] = "test_running"
            if not errors:
                prefix, pad_id = user_input[CONF_PREFIX], user_input[CONF_PAD_ID]
                unique_id = pad_unique_id(prefix, pad_id)
                if unique_id != entry.unique_id:
                    await self.async_set_unique_id(unique_id)
                    self._abort_if_unique_id_configured()
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=unique_id,
                    title=pad_id,
                    data_updates={CONF_PREFIX: prefix, CONF_PAD_ID: pad_id},
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_pad_schema(user_input or entry.data),
            errors=errors,
        )


TEST_POSITIONS: tuple[str, ...] = tuple(f"test_{n}" for n in range(1, len(STANCE_TEST_KEYS) + 1))
"""The options form's fields for the daily check: one per position, in the order run."""


def _tests_in_order(user_input: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Return the tests chosen position by position (empty ones skipped), or what is wrong."""
    tests: list[str] = []
    errors: dict[str, str] = {}
    for position in TEST_POSITIONS:
        if (test := user_input.get(position)) is None:
            continue
        if test in tests:
            errors[position] = "duplicate_test"
        tests.append(test)
    if not tests:
        errors[TEST_POSITIONS[0]] = "no_tests"
    return tests, errors


class RetroBalanceOptionsFlow(OptionsFlow):
    """Test cap, the daily check's tests in their order, trials for single-leg stance."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with every option; the daily check is a test per position."""
        errors: dict[str, str] = {}
        if user_input is not None:
            tests, errors = _tests_in_order(user_input)
            if not errors:
                return self.async_create_entry(
                    data={
                        CONF_CAP_S: int(user_input[CONF_CAP_S]),
                        CONF_DAILY_TESTS: tests,
                        CONF_TRIALS: int(user_input[CONF_TRIALS]),
                    }
                )
            current: Mapping[str, Any] = user_input
        else:
            options = self.config_entry.options
            order = list(options.get(CONF_DAILY_TESTS, DEFAULT_DAILY_TESTS))
            current = {**options, **dict(zip(TEST_POSITIONS, order, strict=False))}
        test = SelectSelector(
            SelectSelectorConfig(
                options=list(STANCE_TEST_KEYS),
                translation_key=CONF_DAILY_TESTS,
                mode=SelectSelectorMode.DROPDOWN,
            )
        )
        # Suggested, not default: a position can be emptied for a shorter check.
        positions: dict[vol.Marker, Any] = {
            vol.Optional(position)
            if current.get(position) is None
            else vol.Optional(position, description={"suggested_value": current[position]}): test
            for position in TEST_POSITIONS
        }
        schema = vol.Schema(
            {
                vol.Required(CONF_CAP_S, default=current.get(CONF_CAP_S, DEFAULT_PLAN.cap_s)): (
                    NumberSelector(
                        NumberSelectorConfig(
                            min=MIN_CAP_S,
                            max=MAX_CAP_S,
                            step=1,
                            unit_of_measurement="s",
                            mode=NumberSelectorMode.SLIDER,
                        )
                    )
                ),
                **positions,
                vol.Required(CONF_TRIALS, default=current.get(CONF_TRIALS, DEFAULT_PLAN.trials)): (
                    NumberSelector(
                        NumberSelectorConfig(
                            min=1, max=MAX_TRIALS, step=1, mode=NumberSelectorMode.BOX
                        )
                    )
                ),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema, errors=errors)
