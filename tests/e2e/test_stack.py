"""The stack itself: Home Assistant runs with MQTT set up, and nothing listens beyond loopback."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from pathlib import Path

import pytest

from devtools.stack import Stack

pytestmark = pytest.mark.usefixtures("socket_enabled")


def listening_addresses(pid: int) -> list[tuple[str, int]]:
    """The (address, port) pairs that a process listens on for TCP, read from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = str(fd.readlink())
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = []
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            address_hex, port_hex = local.split(":")
            raw = bytes.fromhex(address_hex)
            # /proc prints each 32-bit word in host (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            address = (
                socket.inet_ntop(socket.AF_INET, words)
                if width == 4
                else socket.inet_ntop(socket.AF_INET6, words)
            )
            found.append((address, int(port_hex, 16)))
    return found


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
