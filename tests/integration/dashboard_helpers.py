"""Helpers of the dashboard tests: the Balance care dashboard as a browser loads it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.retro_balance.dashboard import DASHBOARD_URL


async def load(hass_ws_client: WebSocketGenerator) -> dict[str, Any]:
    """Return the dashboard's configuration, asked for the way the frontend asks."""
    client = await hass_ws_client()
    await client.send_json_auto_id({"type": "lovelace/config", "url_path": DASHBOARD_URL})
    response = await client.receive_json()
    assert response["success"], response
    config: dict[str, Any] = response["result"]
    return config


def cards(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every card inside `card` (stacks and conditional cards opened), itself included."""
    yield card
    for inner in card.get("cards", []):
        yield from cards(inner)
    if "card" in card:
        yield from cards(card["card"])


def view(config: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """Every card of the view at `path`, stacks opened."""
    [found] = [v for v in config["views"] if v["path"] == path]
    return [card for top in found["cards"] for card in cards(top)]
