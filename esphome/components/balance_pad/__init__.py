"""ESPHome external component `balance_pad`: four HX711 read in step, streamed as protocol v1.

The C++ side is a thin shell (`balance_pad.h`/`.cpp`) around hardware-free logic in plain C++
files that `esphome/tests` compiles on the host. See docs/hardware.md for wiring and calibration.
"""

from __future__ import annotations

import re
from typing import Any

import esphome.codegen as cg
import esphome.config_validation as cv
import esphome.final_validate as fv
from esphome import pins
from esphome.components import output
from esphome.const import CONF_ID, CONF_MODEL

CODEOWNERS = ["@retro-balance"]
DEPENDENCIES = ["mqtt"]

FIRMWARE_VERSION = "0.1.0"
CELL_NAMES = ("tl", "tr", "bl", "br")
PAD_ID_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")

CONF_PAD_ID = "pad_id"
CONF_TOPIC_PREFIX = "topic_prefix"
CONF_FIRMWARE = "firmware"
CONF_WIDTH_MM = "width_mm"
CONF_DEPTH_MM = "depth_mm"
CONF_RATE_HZ = "rate_hz"
CONF_SAMPLES_PER_FRAME = "samples_per_frame"
CONF_CLOCK_PIN = "clock_pin"
CONF_CLOCK_PINS = "clock_pins"
CONF_DATA_PINS = "data_pins"
CONF_CELLS = "cells"
CONF_COUNTS_PER_KG = "counts_per_kg"
CONF_ZERO_COUNTS = "zero_counts"
CONF_AUTO_TARE = "auto_tare"
CONF_ZERO_BAND = "zero_band"
CONF_MAX_RANGE = "max_range"
CONF_WINDOW = "window"
CONF_SPIKES = "spikes"
CONF_MAX_LOAD = "max_load"
CONF_MAX_STEP = "max_step"
CONF_IDLE = "idle"
CONF_THRESHOLD = "threshold"
CONF_DELAY = "delay"
CONF_BUZZER = "buzzer"
CONF_BEEPER = "beeper"
CONF_LED = "led"
CONF_BUTTON_PIN = "button_pin"
CONF_LONG_PRESS = "long_press"
CONF_CALIBRATION_LOG_INTERVAL = "calibration_log_interval"
CONF_STATS_INTERVAL = "stats_interval"

balance_pad_ns = cg.esphome_ns.namespace("balance_pad")
BalancePad = balance_pad_ns.class_("BalancePad", cg.Component)


def _kg(value: Any) -> float:
    """Validate a load in kg: a plain number or a string like `2 kg`."""
    if isinstance(value, str):
        value = value.strip().removesuffix("kg").strip()
    return cv.positive_float(value)


def _pad_id(value: Any) -> str:
    """Validate a protocol v1 pad id: 1 to 32 of a-z, 0-9, `_` and `-`."""
    value = cv.string_strict(value)
    if not PAD_ID_PATTERN.fullmatch(value):
        raise cv.Invalid(f"pad_id {value!r} must be 1 to 32 characters of a-z, 0-9, '_' and '-'")
    return value


def _topic_prefix(value: Any) -> str:
    """Validate a topic prefix: no MQTT wildcards, no leading or trailing '/'."""
    value = cv.string_strict(value)
    if not value or any(c in value for c in "+#") or value.startswith("/") or value.endswith("/"):
        raise cv.Invalid(
            f"topic_prefix {value!r} must be non-empty, without '+', '#' or a leading/trailing '/'"
        )
    return value


def _short_text(value: Any) -> str:
    """Validate text for the info message: 1 to 64 printable characters."""
    value = cv.string_strict(value)
    if not 1 <= len(value) <= 64 or not value.isprintable():
        raise cv.Invalid(f"{value!r} must be 1 to 64 printable characters")
    return value


def _counts_per_kg(value: Any) -> float:
    """Validate HX711 counts per kg of one cell (negative when it reads backwards)."""
    value = cv.float_(value)
    if abs(value) < 1.0:
        raise cv.Invalid(
            f"counts_per_kg {value} is implausibly small (|value| must be >= 1); "
            "see docs/hardware.md, 'Calibration'"
        )
    return value


CELL_SCHEMA = cv.Schema(
    {
        cv.Required(CONF_COUNTS_PER_KG): _counts_per_kg,
        cv.Optional(CONF_ZERO_COUNTS, default=0): cv.int_range(min=-0x800000, max=0x7FFFFF),
    }
)

AUTO_TARE_SCHEMA = cv.Schema(
    {
        cv.Optional(CONF_ZERO_BAND, default=2.0): _kg,
        cv.Optional(CONF_MAX_RANGE, default=0.1): _kg,
        cv.Optional(CONF_WINDOW, default="10s"): cv.All(
            cv.positive_time_period_milliseconds,
            cv.Range(min=cv.TimePeriod(seconds=1), max=cv.TimePeriod(minutes=10)),
        ),
    }
)

SPIKES_SCHEMA = cv.Schema(
    {
        cv.Optional(CONF_MAX_LOAD, default=200.0): cv.All(_kg, cv.Range(min=1.0, max=500.0)),
        cv.Optional(CONF_MAX_STEP, default=25.0): cv.All(_kg, cv.Range(min=1.0, max=500.0)),
    }
)

IDLE_SCHEMA = cv.Schema(
    {
        cv.Optional(CONF_THRESHOLD, default=10.0): _kg,
        cv.Optional(CONF_DELAY, default="3s"): cv.positive_time_period_milliseconds,
    }
)

CONFIG_SCHEMA = cv.All(
    cv.Schema(
        {
            cv.GenerateID(): cv.declare_id(BalancePad),
            cv.Required(CONF_PAD_ID): _pad_id,
            cv.Optional(CONF_TOPIC_PREFIX, default="retro_balance"): _topic_prefix,
            cv.Optional(CONF_MODEL, default="retro-balance-pad"): _short_text,
            cv.Optional(CONF_FIRMWARE, default=FIRMWARE_VERSION): _short_text,
            cv.Optional(CONF_WIDTH_MM, default=433.0): cv.float_range(min=50.0, max=5000.0),
            cv.Optional(CONF_DEPTH_MM, default=238.0): cv.float_range(min=50.0, max=5000.0),
            cv.Optional(CONF_RATE_HZ, default=80): cv.one_of(10, 80, int=True),
            cv.Optional(CONF_SAMPLES_PER_FRAME, default=10): cv.int_range(min=1, max=50),
            cv.Optional(CONF_CLOCK_PIN): pins.internal_gpio_output_pin_schema,
            cv.Optional(CONF_CLOCK_PINS): cv.All(
                [pins.internal_gpio_output_pin_schema], cv.Length(min=4, max=4)
            ),
            cv.Required(CONF_DATA_PINS): cv.All(
                [pins.internal_gpio_input_pin_schema], cv.Length(min=4, max=4)
            ),
            cv.Required(CONF_CELLS): cv.Schema(
                {cv.Required(name): CELL_SCHEMA for name in CELL_NAMES}
            ),
            cv.Optional(CONF_AUTO_TARE, default={}): AUTO_TARE_SCHEMA,
            cv.Optional(CONF_SPIKES, default={}): SPIKES_SCHEMA,
            cv.Optional(CONF_IDLE, default={}): IDLE_SCHEMA,
            cv.Optional(CONF_BUZZER): cv.use_id(output.FloatOutput),
            cv.Optional(CONF_BEEPER): cv.use_id(output.BinaryOutput),
            cv.Optional(CONF_LED): cv.use_id(output.BinaryOutput),
            cv.Optional(CONF_BUTTON_PIN): pins.gpio_input_pin_schema,
            cv.Optional(CONF_LONG_PRESS, default="1s"): cv.All(
                cv.positive_time_period_milliseconds,
                cv.Range(min=cv.TimePeriod(milliseconds=200), max=cv.TimePeriod(seconds=10)),
            ),
            cv.Optional(CONF_CALIBRATION_LOG_INTERVAL, default="0s"): (
                cv.positive_time_period_milliseconds
            ),
            cv.Optional(CONF_STATS_INTERVAL, default="60s"): cv.positive_time_period_milliseconds,
        }
    ).extend(cv.COMPONENT_SCHEMA),
    cv.has_exactly_one_key(CONF_CLOCK_PIN, CONF_CLOCK_PINS),
    cv.has_at_most_one_key(CONF_BUZZER, CONF_BEEPER),
)


def _check_message(mqtt_config: dict[str, Any], key: str, topic: str, payload: str) -> None:
    message = mqtt_config.get(key) or {}
    if message.get("topic") != topic or message.get("payload") != payload:
        raise cv.Invalid(
            f"mqtt: {key} must be topic {topic!r} with payload {payload!r} (protocol v1 status), "
            f"got topic {message.get('topic')!r} payload {message.get('payload')!r}"
        )
    if not message.get("retain", True):
        raise cv.Invalid(f"mqtt: {key} must be retained (protocol v1 status)")


def _final_validate(config: dict[str, Any]) -> dict[str, Any]:
    """Check the mqtt: block against protocol v1: status topic, and no readings in the log topic."""
    full_config = fv.full_config.get()
    mqtt_config = full_config.get("mqtt", {})
    status = f"{config[CONF_TOPIC_PREFIX]}/{config[CONF_PAD_ID]}/status"
    _check_message(mqtt_config, "birth_message", status, "online")
    _check_message(mqtt_config, "will_message", status, "offline")
    log_topic = mqtt_config.get("log_topic")
    level = str(full_config.get("logger", {}).get("level", "DEBUG")).upper()
    if log_topic and level not in ("NONE", "ERROR", "WARN", "INFO"):
        raise cv.Invalid(
            "set mqtt: log_topic: null or logger: level: INFO, or every log line goes to MQTT"
        )
    return config


FINAL_VALIDATE_SCHEMA = _final_validate


async def to_code(config: dict[str, Any]) -> None:
    """Generate the C++ that creates and configures the BalancePad component."""
    var = cg.new_Pvariable(config[CONF_ID])
    await cg.register_component(var, config)

    cg.add(var.set_topics(config[CONF_TOPIC_PREFIX], config[CONF_PAD_ID]))
    cg.add(
        var.set_info(
            config[CONF_MODEL],
            config[CONF_FIRMWARE],
            float(config[CONF_RATE_HZ]),
            config[CONF_WIDTH_MM],
            config[CONF_DEPTH_MM],
        )
    )
    cg.add(var.set_samples_per_frame(config[CONF_SAMPLES_PER_FRAME]))

    clock_configs = (
        [config[CONF_CLOCK_PIN]] if CONF_CLOCK_PIN in config else config[CONF_CLOCK_PINS]
    )
    for clock_config in clock_configs:
        cg.add(var.add_clock_pin(await cg.gpio_pin_expression(clock_config)))
    for index, data_config in enumerate(config[CONF_DATA_PINS]):
        cg.add(var.set_data_pin(index, await cg.gpio_pin_expression(data_config)))

    for index, name in enumerate(CELL_NAMES):
        cell = config[CONF_CELLS][name]
        cg.add(var.set_cell(index, cell[CONF_COUNTS_PER_KG], cell[CONF_ZERO_COUNTS]))

    tare = config[CONF_AUTO_TARE]
    cg.add(
        var.set_auto_tare(
            tare[CONF_ZERO_BAND], tare[CONF_MAX_RANGE], tare[CONF_WINDOW].total_milliseconds
        )
    )
    spikes = config[CONF_SPIKES]
    cg.add(var.set_spikes(spikes[CONF_MAX_LOAD], spikes[CONF_MAX_STEP]))
    idle = config[CONF_IDLE]
    cg.add(var.set_idle(idle[CONF_THRESHOLD], idle[CONF_DELAY].total_milliseconds))

    if CONF_BUZZER in config:
        cg.add(var.set_buzzer(await cg.get_variable(config[CONF_BUZZER])))
    if CONF_BEEPER in config:
        cg.add(var.set_beeper(await cg.get_variable(config[CONF_BEEPER])))
    if CONF_LED in config:
        cg.add(var.set_led(await cg.get_variable(config[CONF_LED])))
    if CONF_BUTTON_PIN in config:
        cg.add(var.set_button_pin(await cg.gpio_pin_expression(config[CONF_BUTTON_PIN])))
    cg.add(var.set_long_press_ms(config[CONF_LONG_PRESS].total_milliseconds))
    cg.add(
        var.set_intervals(
            config[CONF_CALIBRATION_LOG_INTERVAL].total_milliseconds,
            config[CONF_STATS_INTERVAL].total_milliseconds,
        )
    )
