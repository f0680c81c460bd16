"""Repairs platform: the fix flow of each fixable issue, chosen by the issue's kind.

A pad's issue ids are `<kind>_<entry_id>` (`issues.PadIssues.issue_id`). Each fixable kind maps
to the factory of its flow; a new fixable issue adds a row to `FIX_FLOWS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from . import assign_flow, storage_flows
from .const import (
    ISSUE_CORRUPT_STORAGE,
    ISSUE_QUARANTINED,
    ISSUE_TWIN_PADS,
    ISSUE_UNASSIGNED_SESSIONS,
)

type FixFlowFactory = Callable[[HomeAssistant, Mapping[str, Any] | None], RepairsFlow]

FIX_FLOWS: dict[str, FixFlowFactory] = {
    ISSUE_UNASSIGNED_SESSIONS: assign_flow.create_flow,
    ISSUE_TWIN_PADS: storage_flows.twin_pads_flow,
    ISSUE_QUARANTINED: storage_flows.quarantine_flow,
    ISSUE_CORRUPT_STORAGE: storage_flows.corrupt_import_flow,
}


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the fix flow for a fixable issue of this integration."""
    for kind, create_flow in FIX_FLOWS.items():
        if issue_id.startswith(f"{kind}_"):
            return create_flow(hass, data)
    raise ValueError(f"no fix flow for issue {issue_id!r}")
