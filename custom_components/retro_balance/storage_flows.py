"""Fix flows of the pad's own repairs: twin pads, unreadable stored records, a corrupt file.

- `twin_pads`: the user confirms that only one pad publishes under the id now; tests are
  allowed again (the repair comes back if the evidence does).
- `sessions_quarantined`: the stored records that could not be read are moved to a file of
  their own (`retro_balance.<entry_id>.quarantine.<time>`), so the pad's file is clean again.
- `corrupt_storage`: the sessions still whole in the file Home Assistant core moved aside are
  imported (those already stored are skipped); the pad is then reloaded to show them.

The issues are raised by `issues.PadIssues`; each carries the entry id in its data. `repairs.py`
picks the flow by the issue's kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .data import RetroBalanceData

HOMEASSISTANT_DOMAIN = "homeassistant"


class _PadRepairFlow(RepairsFlow):
    """A confirm step, then `_async_fix` on the loaded pad."""

    def __init__(self, entry_id: str) -> None:
        """Bind to the pad's entry."""
        self.entry_id = entry_id

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Ask, then fix (an unloaded pad cannot be fixed: try again once it is loaded)."""
        data = self._pad_data()
        if data is None:
            return self.async_abort(reason="entry_not_loaded")
        if user_input is None:
            return self.async_show_form(
                step_id="confirm", description_placeholders=await self._placeholders(data)
            )
        await self._async_fix(data)
        return self.async_create_entry(data={})

    def _pad_data(self) -> RetroBalanceData | None:
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        runtime: RetroBalanceData = entry.runtime_data
        return runtime

    async def _placeholders(self, data: RetroBalanceData) -> dict[str, str]:
        return {"pad_id": data.coordinator.pad_id}

    async def _async_fix(self, data: RetroBalanceData) -> None:
        raise NotImplementedError


class TwinPadsFlow(_PadRepairFlow):
    """Only one pad publishes under the id now."""

    async def _async_fix(self, data: RetroBalanceData) -> None:
        data.coordinator.async_twins_resolved()


class QuarantineFlow(_PadRepairFlow):
    """Move the unreadable records to a file of their own."""

    async def _placeholders(self, data: RetroBalanceData) -> dict[str, str]:
        return {
            "pad_id": data.coordinator.pad_id,
            "count": str(data.sessions.history.quarantined),
        }

    async def _async_fix(self, data: RetroBalanceData) -> None:
        await data.sessions.history.async_move_quarantine_aside()


class CorruptImportFlow(_PadRepairFlow):
    """Import the sessions still whole in a file core moved aside as corrupt."""

    def __init__(self, entry_id: str, path: Path) -> None:
        """Bind to the pad's entry and the corrupt file."""
        super().__init__(entry_id)
        self.path = path

    async def _placeholders(self, data: RetroBalanceData) -> dict[str, str]:
        found = await data.sessions.history.async_salvageable(self.path)
        return {"pad_id": data.coordinator.pad_id, "path": str(self.path), "count": str(found)}

    async def _async_fix(self, data: RetroBalanceData) -> None:
        history = data.sessions.history
        await history.async_import_corrupt(self.path)
        # Core's own issue about this file ("restore from a backup") is answered too.
        stamp = self.path.name.rpartition(".corrupt.")[2]
        ir.async_delete_issue(
            self.hass, HOMEASSISTANT_DOMAIN, f"storage_corruption_{DOMAIN}.{self.entry_id}_{stamp}"
        )
        self.hass.config_entries.async_schedule_reload(self.entry_id)


def _entry_id(data: Mapping[str, Any] | None) -> str:
    if not data or not isinstance(data.get("entry_id"), str):
        raise ValueError("the issue has no entry_id")
    return str(data["entry_id"])


def twin_pads_flow(hass: HomeAssistant, data: Mapping[str, Any] | None) -> RepairsFlow:
    """Return the flow that clears the twin-pads repair."""
    return TwinPadsFlow(_entry_id(data))


def quarantine_flow(hass: HomeAssistant, data: Mapping[str, Any] | None) -> RepairsFlow:
    """Return the flow that moves unreadable stored records aside."""
    return QuarantineFlow(_entry_id(data))


def corrupt_import_flow(hass: HomeAssistant, data: Mapping[str, Any] | None) -> RepairsFlow:
    """Return the flow that imports the sessions of a file core moved aside as corrupt."""
    assert data is not None
    return CorruptImportFlow(_entry_id(data), Path(str(data["path"])))
