"""Actions pick the pad and the person from lists (devices); older calls keep working."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import DOMAIN, MODEL_ID_PAD, MODEL_ID_PERSON
from custom_components.retro_balance.export import SCOPES
from pad_simulator.scenarios import generate

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, live, play, stored

SERVICES = yaml.safe_load(
    (Path(__file__).parents[2] / "custom_components/retro_balance/services.yaml").read_text()
)


def device_id(device_registry: dr.DeviceRegistry, identifier: str) -> str:
    device = device_registry.async_get_device(identifiers={(DOMAIN, identifier)})
    assert device is not None
    return device.id


async def act(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service == "export_history"
    )


def test_every_action_picks_pad_and_person_from_lists() -> None:
    """services.yaml: device selectors filtered to this integration's pads and people."""
    for name, spec in SERVICES.items():
        fields = spec["fields"]
        assert fields["pad"]["selector"]["device"]["filter"] == [
            {"integration": DOMAIN, "model_id": MODEL_ID_PAD}
        ], name
        # The older field stays, for older calls, out of the way.
        assert fields["config_entry_id"]["advanced"] is True, name
        assert fields["config_entry_id"]["required"] is False, name
        if "person" in fields:
            assert fields["person"]["selector"]["device"]["filter"] == [
                {"integration": DOMAIN, "model_id": MODEL_ID_PERSON}
            ], name
    scope = SERVICES["export_history"]["fields"]["scope"]
    assert scope["required"] is True
    assert scope["selector"]["select"]["options"] == list(SCOPES)
    assert "default" not in scope


async def test_the_filters_match_the_devices(
    hass: HomeAssistant, init_integration: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
    assert sorted((device.name, device.model_id) for device in devices) == [
        ("Anna", MODEL_ID_PERSON),
        ("Balance pad hall", MODEL_ID_PAD),
        ("Ben", MODEL_ID_PERSON),
    ]


async def test_start_with_devices_picked_from_lists(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_storage: dict[str, Any],
) -> None:
    pad = device_id(device_registry, ENTRY_ID)
    anna = device_id(device_registry, ANNA_ID)
    await act(hass, "start_test", pad=pad, test="tandem", person=anna)
    assert live(init_integration).selected_person_id is None  # the select stays automatic
    await play(hass, generate("tandem", seed=2, weight_kg=84.0, lose_balance_at_s=8.0))
    (raw,) = stored(hass_storage)["sessions"]
    # 84 kg is Ben's weight: Anna was chosen, so it is hers.
    assert (raw["person_id"], raw["identified_by"]) == (ANNA_ID, "selected")

    # A person's device names their pad too; a name still works with the older field.
    ben = device_id(device_registry, BEN_ID)
    await act(hass, "start_test", test="tandem", person=ben)
    await act(hass, "cancel_test", config_entry_id=ENTRY_ID)
    await act(hass, "start_test", config_entry_id=ENTRY_ID, test="tandem", person="ben")
    await act(hass, "cancel_test", pad=pad)
    assert not live(init_integration).testing


async def test_assign_with_a_person_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_storage: dict[str, Any],
) -> None:
    await act(hass, "start_test", config_entry_id=ENTRY_ID, test="quiet_eyes_open")
    await play(hass, generate("quiet-eo", seed=4, weight_kg=40.0, cap_s=10.0))
    (raw,) = stored(hass_storage)["sessions"]
    await act(
        hass,
        "assign_session",
        session_id=raw["session_id"],
        person=device_id(device_registry, BEN_ID),
    )
    (raw,) = stored(hass_storage)["sessions"]
    assert (raw["person_id"], raw["identified_by"]) == (BEN_ID, "assigned")


async def test_wrong_targets_are_told_apart(
    hass: HomeAssistant, init_integration: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    stranger = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}, name="Kettle"
    )
    pad = device_id(device_registry, ENTRY_ID)
    cases = [
        ({}, "pad_required"),
        ({"pad": stranger.id}, "unknown_pad"),
        ({"pad": "no-such-device"}, "unknown_pad"),
        ({"pad": pad, "config_entry_id": other.entry_id}, "pad_mismatch"),
        ({"config_entry_id": other.entry_id}, "entry_not_found"),
        ({"pad": pad, "person": pad}, "unknown_person"),
        ({"pad": pad, "person": stranger.id}, "unknown_person"),
    ]
    for data, key in cases:
        with pytest.raises(ServiceValidationError) as err:
            await act(hass, "start_test", test="tandem", **data)
        assert err.value.translation_key == key, data
    assert not live(init_integration).testing
