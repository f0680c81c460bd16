"""Test-only stand-in for ESPHome's `mqtt:` on the host platform, built on libmosquitto.

ESPHome's own MQTT client runs only on microcontrollers (its C++ needs lwIP or ESP-IDF). This
local component takes its name, so the pad's `mqtt:` block (esphome/balance-pad.yaml) builds on
the host unchanged: it accepts the keys that block uses and offers the C++ API `balance_pad`
calls (`subscribe`, `publish`, `is_connected`, `global_mqtt_client`, birth, last will and
shutdown messages). Everything else the real client does (discovery, log topic, automations)
is refused, so a configuration that needs it fails here instead of silently doing less.

At run time ESPHOME_HOST_MQTT_BROKER, _PORT, _USERNAME and _PASSWORD override the broker of the
YAML (scripts/firmware-host sets them), so one build serves any broker.
"""

from __future__ import annotations

from typing import Any

import esphome.codegen as cg
import esphome.config_validation as cv
from esphome.const import (
    CONF_BIRTH_MESSAGE,
    CONF_BROKER,
    CONF_CLEAN_SESSION,
    CONF_CLIENT_ID,
    CONF_DISCOVERY,
    CONF_ID,
    CONF_KEEPALIVE,
    CONF_LOG_TOPIC,
    CONF_PASSWORD,
    CONF_PAYLOAD,
    CONF_PORT,
    CONF_QOS,
    CONF_RETAIN,
    CONF_SHUTDOWN_MESSAGE,
    CONF_TOPIC,
    CONF_TOPIC_PREFIX,
    CONF_USERNAME,
    CONF_WILL_MESSAGE,
)
from esphome.core import CORE

CODEOWNERS = ["@retro-balance"]
DEPENDENCIES = ["host"]

CONF_IDF_SEND_ASYNC = "idf_send_async"

mqtt_ns = cg.esphome_ns.namespace("mqtt")
MQTTClientComponent = mqtt_ns.class_("MQTTClientComponent", cg.Component)
MQTTMessage = mqtt_ns.struct("MQTTMessage")


def _only_false(key: str) -> Any:
    def validator(value: Any) -> bool:
        if cv.boolean(value):
            raise cv.Invalid(f"{key} is not available in the host MQTT stand-in")
        return False

    return validator


def _only_null(value: Any) -> None:
    if value is not None:
        raise cv.Invalid("the host MQTT stand-in has no log topic; set log_topic: null")


MESSAGE_SCHEMA = cv.Any(
    None,
    cv.Schema(
        {
            cv.Required(CONF_TOPIC): cv.publish_topic,
            cv.Required(CONF_PAYLOAD): cv.mqtt_payload,
            cv.Optional(CONF_QOS, default=0): cv.mqtt_qos,
            cv.Optional(CONF_RETAIN, default=True): cv.boolean,
        }
    ),
)

CONFIG_SCHEMA = cv.Schema(
    {
        cv.GenerateID(): cv.declare_id(MQTTClientComponent),
        cv.Required(CONF_BROKER): cv.string_strict,
        cv.Optional(CONF_PORT, default=1883): cv.port,
        cv.Optional(CONF_USERNAME, default=""): cv.string,
        cv.Optional(CONF_PASSWORD, default=""): cv.string,
        cv.Optional(CONF_CLIENT_ID): cv.string,
        cv.Optional(CONF_CLEAN_SESSION, default=False): cv.boolean,
        # ESPHome's client derives default messages and discovery topics from it; the pad's
        # configuration sets every message itself, so the stand-in has no use for it.
        cv.Optional(CONF_TOPIC_PREFIX): cv.publish_topic,
        cv.Optional(CONF_DISCOVERY, default=False): _only_false(CONF_DISCOVERY),
        cv.Optional(CONF_LOG_TOPIC): _only_null,
        # The ESP32 client's send queue; libmosquitto always queues, so there is nothing to set.
        cv.Optional(CONF_IDF_SEND_ASYNC): cv.boolean,
        cv.Optional(CONF_KEEPALIVE, default="15s"): cv.positive_time_period_seconds,
        cv.Optional(CONF_BIRTH_MESSAGE): MESSAGE_SCHEMA,
        cv.Optional(CONF_WILL_MESSAGE): MESSAGE_SCHEMA,
        cv.Optional(CONF_SHUTDOWN_MESSAGE): MESSAGE_SCHEMA,
    }
).extend(cv.COMPONENT_SCHEMA)


def _message(config: dict[str, Any]) -> Any:
    return cg.StructInitializer(
        MQTTMessage,
        ("topic", config[CONF_TOPIC]),
        ("payload", config[CONF_PAYLOAD]),
        ("qos", config[CONF_QOS]),
        ("retain", config[CONF_RETAIN]),
    )


async def to_code(config: dict[str, Any]) -> None:
    """Create the client; link libmosquitto (Debian: libmosquitto-dev)."""
    var = cg.new_Pvariable(config[CONF_ID])
    await cg.register_component(var, config)
    cg.add_build_flag("-lmosquitto")
    cg.add(var.set_broker_address(config[CONF_BROKER]))
    cg.add(var.set_broker_port(config[CONF_PORT]))
    cg.add(var.set_username(config[CONF_USERNAME]))
    cg.add(var.set_password(config[CONF_PASSWORD]))
    cg.add(var.set_client_id(config.get(CONF_CLIENT_ID, CORE.name)))
    cg.add(var.set_clean_session(config[CONF_CLEAN_SESSION]))
    cg.add(var.set_keep_alive(config[CONF_KEEPALIVE].total_seconds))
    for key, setter in (
        (CONF_BIRTH_MESSAGE, var.set_birth_message),
        (CONF_WILL_MESSAGE, var.set_last_will),
        (CONF_SHUTDOWN_MESSAGE, var.set_shutdown_message),
    ):
        if config.get(key):
            cg.add(setter(_message(config[key])))
