"""Pad protocol v1's topics `<prefix>/<pad_id>/<kind>`: built and taken apart (docs/protocol.md)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

DEFAULT_PREFIX: Final = "retro_balance"
PAD_ID_PATTERN: Final = re.compile(r"[a-z0-9_-]{1,32}")


class TopicKind(StrEnum):
    """The last level of a pad topic: `<prefix>/<pad_id>/<kind>`."""

    STATUS = "status"
    INFO = "info"
    FRAMES = "frames"
    BUTTON = "button"
    CMD = "cmd"


def is_valid_pad_id(pad_id: str) -> bool:
    """Whether `pad_id` matches `[a-z0-9_-]{1,32}`."""
    return PAD_ID_PATTERN.fullmatch(pad_id) is not None


def _check_prefix(prefix: str) -> None:
    if not prefix or prefix.startswith("/") or prefix.endswith("/"):
        raise ValueError(f"MQTT topic prefix {prefix!r} must be non-empty without outer slashes")
    if any(char in prefix for char in "+#\x00"):
        raise ValueError(f"MQTT topic prefix {prefix!r} must not contain '+', '#' or NUL")


def topic(prefix: str, pad_id: str, kind: TopicKind | str) -> str:
    """Build the topic `<prefix>/<pad_id>/<kind>`; `pad_id` may be `+` for a subscription."""
    _check_prefix(prefix)
    if pad_id != "+" and not is_valid_pad_id(pad_id):
        raise ValueError(f"pad id {pad_id!r} must match {PAD_ID_PATTERN.pattern}")
    return f"{prefix}/{pad_id}/{TopicKind(kind).value}"


def parse_topic(topic_name: str, prefix: str = DEFAULT_PREFIX) -> tuple[str, TopicKind] | None:
    """Split `<prefix>/<pad_id>/<kind>` into (pad_id, kind); None when it is not a pad topic."""
    head = prefix + "/"
    if not topic_name.startswith(head):
        return None
    parts = topic_name[len(head) :].split("/")
    if len(parts) != 2 or not is_valid_pad_id(parts[0]):
        return None
    try:
        return parts[0], TopicKind(parts[1])
    except ValueError:
        return None
