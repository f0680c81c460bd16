"""The *Balance care* dashboard: kept by the integration, so that it shows every pad and person.

Registered once, when the integration is first set up, as a read-only dashboard in the sidebar
(`/retro-balance-care`): its configuration is built each time it is opened from the pads that are
loaded and their people (`dashboard_views`), so a person added later is on it without anyone
editing it. When the integration's entities change (a person added or removed), open browsers
are told to load it again (`lovelace_updated`). It is skipped when the frontend's dashboards
are not loaded, or when a dashboard of the user's already uses its address (that one is kept).
To change it, copy its cards into a dashboard of your own (docs/integration.md, "Dashboard").
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from homeassistant.components import frontend
from homeassistant.components.lovelace.const import LOVELACE_DATA, MODE_YAML
from homeassistant.components.lovelace.dashboard import LovelaceConfig
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_LOVELACE_UPDATED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.json import json_bytes, json_fragment
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import slugify

from .const import CONF_CAP_S, DOMAIN, LOGGER
from .dashboard_cards import FIXED_PATHS, Member, PadPage, Texts
from .dashboard_views import dashboard
from .data import RetroBalanceConfigEntry
from .settings import DEFAULT_PLAN
from .trend_statistics import statistic_id

DASHBOARD_URL: Final = "retro-balance-care"
DASHBOARD_ICON: Final = "mdi:human-handsdown"
UPDATE_COOLDOWN_S: Final = 1.0


class BalanceDashboard(LovelaceConfig):
    """A dashboard whose configuration is built from the integration's pads and people."""

    def __init__(self, hass: HomeAssistant, title: str) -> None:
        """Describe the dashboard as the frontend's dashboard list does."""
        super().__init__(
            hass,
            DASHBOARD_URL,
            {
                "mode": MODE_YAML,
                "title": title,
                "icon": DASHBOARD_ICON,
                "show_in_sidebar": True,
                "require_admin": False,
            },
        )

    @property
    def mode(self) -> str:
        """Read-only, like a YAML dashboard: the integration keeps it."""
        return MODE_YAML

    async def async_get_info(self) -> dict[str, Any]:
        """Return what system health and the frontend ask about it."""
        config = await self.async_load(False)
        return {"mode": self.mode, "views": len(config["views"])}

    async def async_load(self, force: bool) -> dict[str, Any]:
        """Build the configuration from the pads and people as they are now."""
        language = self.hass.config.language
        translations = {
            **await async_get_translations(self.hass, language, "selector", {DOMAIN}),
            **await async_get_translations(self.hass, language, "entity", {DOMAIN}),
        }
        return dashboard(pad_pages(self.hass), Texts(translations))

    async def async_json(self, force: bool) -> json_fragment:
        """Return the configuration as JSON."""
        return json_fragment(json_bytes(await self.async_load(force)))


def pad_pages(hass: HomeAssistant) -> list[PadPage]:
    """Every loaded pad with its people and their registered entities, by name."""
    registry = er.async_get(hass)
    pages: list[PadPage] = []
    paths: set[str] = set(FIXED_PATHS)
    entries: list[RetroBalanceConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    for entry in sorted(entries, key=lambda entry: entry.title):
        if entry.state is not ConfigEntryState.LOADED:
            continue
        coordinator = entry.runtime_data.coordinator
        by_owner: dict[str, dict[str, str]] = {}
        for found in er.async_entries_for_config_entry(registry, entry.entry_id):
            owner, _, key = found.unique_id.partition("_")
            if found.disabled_by is None:
                by_owner.setdefault(owner, {})[key] = found.entity_id
        people: list[Member] = []
        for person_id, person in sorted(
            coordinator.data.people.items(), key=lambda item: item[1].profile.name
        ):
            name = person.profile.name
            path = slugify(name) or "person"
            if path in paths:
                path = f"{path}_{slugify(coordinator.pad_id)}"
            paths.add(path)
            people.append(
                Member(
                    name=name,
                    path=path,
                    entities=by_owner.get(person_id, {}),
                    statistic=partial(statistic_id, coordinator.pad_id, name),
                )
            )
        pages.append(
            PadPage(
                name=coordinator.name,
                entities=by_owner.get(entry.entry_id, {}),
                cap_s=float(entry.options.get(CONF_CAP_S, DEFAULT_PLAN.cap_s)),
                people=tuple(people),
            )
        )
    return pages


async def async_register_dashboard(hass: HomeAssistant) -> None:
    """Add the dashboard to the sidebar (once; not when dashboards are off or the URL is taken)."""
    if LOVELACE_DATA not in hass.data:
        LOGGER.debug("Dashboards are not loaded: no Balance care dashboard")
        return
    dashboards = hass.data[LOVELACE_DATA].dashboards
    if DASHBOARD_URL in dashboards:
        if not isinstance(dashboards[DASHBOARD_URL], BalanceDashboard):
            LOGGER.info("A dashboard at /%s exists: the integration adds none", DASHBOARD_URL)
        return
    texts = await async_get_translations(hass, hass.config.language, "selector", {DOMAIN})
    title = Texts(texts)("title")
    dashboards[DASHBOARD_URL] = BalanceDashboard(hass, title)
    frontend.async_register_built_in_panel(
        hass,
        "lovelace",
        sidebar_title=title,
        sidebar_icon=DASHBOARD_ICON,
        frontend_url_path=DASHBOARD_URL,
        config={"mode": MODE_YAML},
        require_admin=False,
    )
    _follow_entities(hass)


def _follow_entities(hass: HomeAssistant) -> None:
    """Tell open browsers to load the dashboard again when the integration's entities change.

    A person added or removed adds or removes their entities; one update follows a burst.
    """
    registry = er.async_get(hass)

    @callback
    def tell_browsers() -> None:
        hass.bus.async_fire(EVENT_LOVELACE_UPDATED, {"url_path": DASHBOARD_URL})

    debouncer = Debouncer(
        hass, LOGGER, cooldown=UPDATE_COOLDOWN_S, immediate=False, function=tell_browsers
    )

    @callback
    def ours(data: er.EventEntityRegistryUpdatedData) -> bool:
        if data["action"] == "remove":
            return True  # gone from the registry: it may have been ours
        entry = registry.async_get(data["entity_id"])
        return entry is not None and entry.platform == DOMAIN

    @callback
    def changed(_event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        debouncer.async_schedule_call()

    hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, changed, event_filter=ours)
