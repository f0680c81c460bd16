"""Shared constants and helpers of the integration tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import numpy as np
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)

from custom_components.retro_balance.const import (
    CONF_BIRTH_YEAR,
    CONF_NAME,
    CONF_SEX,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
    DOMAIN,
    SUBENTRY_PERSON,
)
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.wire.messages import Frame, PadInfo
from custom_components.retro_balance.engine.wire.protocol import encode_frame
from custom_components.retro_balance.engine.wire.sequencing import SequenceCounters
from custom_components.retro_balance.snapshot import LivePad
from pad_simulator.scenarios import ScenarioOptions, build_timeline
from pad_simulator.timeline import timeline_spans

PAD_ID = "hall"
PREFIX = "retro_balance"
ENTRY_ID = "01JRETROBALANCEPADENTRY000"
ANNA_ID = "01JRETROBALANCEPERSONANNA0"
BEN_ID = "01JRETROBALANCEPERSONBEN00"
INFO = PadInfo(
    version=1,
    model="Retro Balance DIY",
    firmware="1.2.0",
    rate_hz=80.0,
    width_mm=433.0,
    depth_mm=238.0,
)


def person(
    subentry_id: str,
    name: str,
    birth_year: int,
    sex: str,
    weight: tuple[float, float] | None = None,
) -> ConfigSubentryDataWithId:
    """A person subentry as stored."""
    return ConfigSubentryDataWithId(
        subentry_id=subentry_id,
        subentry_type=SUBENTRY_PERSON,
        title=name,
        unique_id=None,
        data={
            CONF_NAME: name,
            CONF_BIRTH_YEAR: birth_year,
            CONF_SEX: sex,
            CONF_WEIGHT_MIN_KG: None if weight is None else weight[0],
            CONF_WEIGHT_MAX_KG: None if weight is None else weight[1],
        },
    )


def standing(seq: int, total_kg: float = 70.0, noise_kg: float = 0.0) -> bytes:
    """One 1/8 s frame of someone standing still (with cell noise if asked for)."""
    rng = np.random.default_rng(seq)
    cells = np.full((10, 4), total_kg / 4) + rng.normal(0.0, noise_kg, (10, 4))
    return encode_frame(Frame(seq=seq, t_ms=1000 + seq * 125, rate_hz=80.0, cells_kg=cells))


def fire(hass: HomeAssistant, kind: str, payload: bytes | str, pad_id: str = PAD_ID) -> None:
    """Deliver a message on one of the pad's topics."""
    async_fire_mqtt_message(hass, f"{PREFIX}/{pad_id}/{kind}", payload)


def stored(hass_storage: dict[str, Any], entry_id: str = ENTRY_ID) -> dict[str, Any]:
    """The pad's storage file content."""
    data: dict[str, Any] = hass_storage[f"{DOMAIN}.{entry_id}"]["data"]
    return data


async def play(hass: HomeAssistant, messages: Iterable[tuple[float, str, bytes]]) -> None:
    """Deliver simulator messages in order, letting Home Assistant work between batches."""
    for index, (_, kind, payload) in enumerate(messages):
        fire(hass, kind, payload)
        if index % 25 == 0:
            await hass.async_block_till_done()
    await hass.async_block_till_done()


async def flush_live_updates(hass: HomeAssistant) -> None:
    """Let the frames that wait (no test runs) and the once-a-second live updates through."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()


def live(entry: MockConfigEntry) -> LivePad:
    """The pad part of the coordinator's last published snapshot."""
    pad: LivePad = entry.runtime_data.coordinator.data.pad
    return pad


def counters(entry: MockConfigEntry) -> SequenceCounters:
    """The pad's frame counters now (they move with every frame; the snapshot shows drops)."""
    counts: SequenceCounters = entry.runtime_data.coordinator.mqtt.frame_counters
    return counts


def records(hass_storage: dict[str, Any], entry_id: str = ENTRY_ID) -> list[SessionRecord]:
    """Stored sessions, read back through the engine's strict reader."""
    return [SessionRecord.from_dict(raw) for raw in stored(hass_storage, entry_id)["sessions"]]


async def start_test(hass: HomeAssistant, test: str, person: str | None = None) -> None:
    """Start a test through the action, as a user would."""
    data = {"config_entry_id": ENTRY_ID, "test": test}
    if person is not None:
        data["person"] = person
    await hass.services.async_call(DOMAIN, "start_test", data, blocking=True)


def hold_start_s(scenario: str, **options: Any) -> float:
    """When the timed stance of a simulated scenario begins (simulator clock, s)."""
    spans = timeline_spans(build_timeline(scenario, ScenarioOptions(**options)))
    return next(span.start_s for span in spans if span.label.startswith(("single_leg", "tandem")))


async def play_until(
    hass: HomeAssistant, messages: Iterable[tuple[float, str, bytes]], until_s: float
) -> list[tuple[float, str, bytes]]:
    """Deliver the messages sent before `until_s`; return the rest."""
    listed = list(messages)
    await play(hass, [message for message in listed if message[0] < until_s])
    return [message for message in listed if message[0] >= until_s]


async def fix_issue(hass: HomeAssistant, issue_id: str) -> tuple[Any, Any]:
    """Run a repair's fix flow as the user does: open it, then confirm; return both steps."""
    assert await async_setup_component(hass, "repairs", {})
    manager = hass.data["repairs"]["flow_manager"]
    opened = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    if opened["type"] != "form":
        return opened, None
    done = await manager.async_configure(opened["flow_id"], {})
    await hass.async_block_till_done()
    return opened, done
