"""The stack itself: Home Assistant runs with MQTT set up, and nothing listens beyond loopback."""

from __future__ import annotations

import ipaddress

import pytest

from .harness import Stack, listening_addresses

pytestmark = pytest.mark.usefixtures("socket_enabled")


def test_home_assistant_runs_with_mqtt_loaded(stack: Stack) -> None:
    assert stack.api.core_state() == "RUNNING"
    (entry,) = stack.api.config_entries("mqtt")
    assert entry["state"] == "loaded"


def test_nothing_listens_beyond_loopback(stack: Stack) -> None:
    addresses = listening_addresses(stack.hass.process.pid) + listening_addresses(
        stack.broker.process.pid
    )
    assert (("127.0.0.1", stack.hass.port)) in addresses
    assert (("127.0.0.1", stack.broker.port)) in addresses
    assert all(ipaddress.ip_address(address).is_loopback for address, _ in addresses), addresses
