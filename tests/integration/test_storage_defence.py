"""Damaged or foreign storage never crashes the pad and never deletes its history."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.storage import (
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
    SessionHistory,
    _SessionStore,
)
from pad_simulator.scenarios import generate

from .helpers import ENTRY_ID, fire, fix_issue, play, records, start_test, stored

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
KEY = f"{DOMAIN}.{ENTRY_ID}"
FIRST, SECOND = "0a1b2c3d4e5f40718293a4b5c6d7e8f9", "f9e8d7c6b5a4493827160f1e2d3c4b5a"


def fixture_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


def envelope(data: Any, version: int = STORAGE_VERSION, minor: int = 1) -> dict[str, Any]:
    return {"version": version, "minor_version": minor, "key": KEY, "data": data}


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    entry.add_to_hass(hass)
    result = await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return result


def history(entry: MockConfigEntry) -> SessionHistory:
    found: SessionHistory = entry.runtime_data.sessions.history
    return found


def issue(hass: HomeAssistant, kind: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{ENTRY_ID}")


@pytest.mark.usefixtures("mqtt_mock")
async def test_a_newer_version_is_refused_and_never_rewritten(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A file from a newer Retro Balance: not read, a repair, the file as it was."""
    newer = envelope({"records": {"v3": "layout"}, "sessions": 5}, version=3)
    hass_storage[KEY] = copy.deepcopy(newer)
    assert not await setup(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert "newer version of Retro Balance (storage version 3)" in str(mock_config_entry.reason)
    found = issue(hass, "storage_too_new")
    assert found is not None
    assert found.translation_placeholders == {"pad_id": "hall", "version": "3"}
    assert hass_storage[KEY] == newer
    assert not [key for key in hass_storage if key.startswith(f"{KEY}.")]
    # Retro Balance updated (here: the file written back by it): the pad loads, the issue goes.
    hass_storage[KEY] = envelope(fixture_data())
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert issue(hass, "storage_too_new") is None


@pytest.mark.usefixtures("mqtt_mock")
async def test_a_newer_version_is_removed_with_its_pad(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = envelope({"x": 1}, version=3)
    await setup(hass, mock_config_entry)
    await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()
    assert KEY not in hass_storage
    assert issue(hass, "storage_too_new") is None


@pytest.mark.usefixtures("mqtt_mock")
@pytest.mark.parametrize(
    ("data", "readable", "quarantined"),
    [
        pytest.param({"sessions": 5}, 0, [{"sessions": 5}], id="sessions-a-number"),
        pytest.param([1, 2], 0, [[1, 2]], id="data-a-list"),
        pytest.param(
            {**fixture_data(), "quarantine": "oops", "extra": 1},
            2,
            [{"quarantine": "oops"}, {"extra": 1}],
            id="quarantine-a-string-and-an-unknown-key",
        ),
        pytest.param(
            {"sessions": [fixture_data()["sessions"][0], 42, "x"]}, 1, [42, "x"], id="bad-records"
        ),
    ],
)
async def test_a_wrong_shape_is_quarantined_not_a_crash(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    data: Any,
    readable: int,
    quarantined: list[Any],
) -> None:
    hass_storage[KEY] = envelope(copy.deepcopy(data))
    assert await setup(hass, mock_config_entry)
    assert len(history(mock_config_entry).sessions) == readable
    found = issue(hass, "sessions_quarantined")
    assert found is not None
    assert found.translation_placeholders["count"] == str(len(quarantined))
    assert found.is_fixable
    # The next save keeps the bad parts in the file's quarantine, with a new session.
    fire(hass, "status", b"online")
    await start_test(hass, "quiet_eyes_open", "Anna")
    await play(hass, generate("quiet-eo", seed=6, weight_kg=62.0, duration_s=12.0))
    assert stored(hass_storage)["quarantine"] == quarantined
    assert len(records(hass_storage)) == readable + 1


@pytest.mark.usefixtures("mqtt_mock")
async def test_a_file_labelled_version_1_holding_version_2_is_read_as_2(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = fixture_data()
    hass_storage[KEY] = envelope(copy.deepcopy(data), version=1)
    with caplog.at_level(logging.INFO):
        assert await setup(hass, mock_config_entry)
    assert [record.session_id for record in history(mock_config_entry).sessions] == [FIRST, SECOND]
    assert history(mock_config_entry).quarantined == 0
    assert issue(hass, "sessions_quarantined") is None
    assert "labelled version 1 but holds the version 2 layout" in caplog.text
    # The file as it was is kept beside it before the migration rewrote it.
    backup = hass_storage[f"{KEY}.backup.v1.1"]
    assert (backup["version"], backup["data"]) == (1, data)
    assert hass_storage[KEY]["version"] == STORAGE_VERSION


@pytest.mark.usefixtures("mqtt_mock")
async def test_a_newer_minor_version_is_read_and_kept_aside(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = envelope({**fixture_data(), "notes": ["new in 2.5"]}, minor=5)
    assert await setup(hass, mock_config_entry)
    assert len(history(mock_config_entry).sessions) == 2
    assert f"{KEY}.backup.v2.5" in hass_storage
    assert hass_storage[KEY]["minor_version"] == STORAGE_MINOR_VERSION
    assert stored(hass_storage)["quarantine"] == [{"notes": ["new in 2.5"]}]


@pytest.mark.usefixtures("mqtt_mock")
async def test_the_quarantine_can_be_moved_aside(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = envelope({"sessions": [*fixture_data()["sessions"], {"broken": True}]})
    assert await setup(hass, mock_config_entry)
    opened, done = await fix_issue(hass, f"sessions_quarantined_{ENTRY_ID}")
    assert opened["description_placeholders"] == {"pad_id": "hall", "count": "1"}
    assert done["type"] == "create_entry"
    assert issue(hass, "sessions_quarantined") is None
    (aside,) = [key for key in hass_storage if key.startswith(f"{KEY}.quarantine.")]
    assert hass_storage[aside]["data"] == {"quarantine": [{"broken": True}]}
    assert stored(hass_storage)["quarantine"] == []
    assert len(stored(hass_storage)["sessions"]) == 2


def corrupt_text(sessions: list[dict[str, Any]]) -> str:
    """A storage file cut off in the middle of its last session (a crash while writing)."""
    text = json.dumps(envelope({"sessions": sessions, "quarantine": []}), indent=2)
    cut = text.index(sessions[-1]["session_id"])
    return text[:cut]


@pytest.mark.usefixtures("mqtt_mock")
async def test_sessions_are_imported_from_the_file_core_moved_aside(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    tmp_path: Path,
) -> None:
    """Core renamed the damaged file `….corrupt.<time>`; the whole sessions in it come back."""
    storage = tmp_path / ".storage"
    storage.mkdir()
    stamp = "2026-11-30T10:00:00.000000+00:00"
    corrupt = storage / f"{KEY}.corrupt.{stamp}"
    sessions = fixture_data()["sessions"]
    extra = {**sessions[1], "session_id": "c" * 32}
    corrupt.write_text(corrupt_text([sessions[0], {"broken": 1}, extra, sessions[1]]))
    core_issue = f"storage_corruption_{KEY}_{stamp}"
    ir.async_create_issue(
        hass,
        "homeassistant",
        core_issue,
        is_fixable=True,
        severity=ir.IssueSeverity.CRITICAL,
        translation_key="storage_corruption",
    )
    # A session stored since the crash is kept; an imported copy of it is not doubled.
    hass_storage[KEY] = envelope({"sessions": [extra], "quarantine": []})
    with patch.object(SessionHistory, "path", new_callable=PropertyMock) as path:
        path.return_value = storage / KEY
        assert await setup(hass, mock_config_entry)
        found = issue(hass, "corrupt_storage")
        assert found is not None
        assert found.translation_placeholders["path"] == str(corrupt)
        opened, done = await fix_issue(hass, f"corrupt_storage_{ENTRY_ID}")
        assert opened["description_placeholders"]["count"] == "1"
        assert done["type"] == "create_entry"
        await hass.async_block_till_done()
    ids = {record.session_id for record in records(hass_storage)}
    assert ids == {FIRST, "c" * 32}
    assert stored(hass_storage)["quarantine"] == [{"broken": 1}]
    assert not corrupt.exists()
    assert (storage / f"{corrupt.name}.imported").exists()
    assert issue(hass, "corrupt_storage") is None
    assert ir.async_get(hass).async_get_issue("homeassistant", core_issue) is None
    # Reloaded: the imported session shows.
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert len(mock_config_entry.runtime_data.sessions.history.sessions) == 2


@pytest.mark.usefixtures("mqtt_mock")
@pytest.mark.parametrize(
    ("content", "readable"),
    [
        pytest.param(json.dumps({"key": KEY, "data": fixture_data()}), 2, id="no-version"),
        pytest.param("[1, 2, 3]", 0, id="a-list"),
        pytest.param("{{not json", 0, id="not-json"),
    ],
)
async def test_a_file_core_cannot_read_is_copied_aside_and_read(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    content: str,
    readable: int,
) -> None:
    """No version (core: KeyError) or no object (TypeError): setup goes on, nothing is lost."""
    storage = tmp_path / ".storage"
    storage.mkdir()
    (storage / KEY).write_text(content)
    with (
        patch.object(SessionHistory, "path", new_callable=PropertyMock) as path,
        patch.object(_SessionStore, "async_load", side_effect=KeyError("version")),
    ):
        path.return_value = storage / KEY
        assert await setup(hass, mock_config_entry)
    assert len(history(mock_config_entry).sessions) == readable
    (aside,) = storage.glob(f"{KEY}.unreadable.*")
    assert aside.read_text() == content
    assert "is copied to" in caplog.text
    if content.startswith("{{"):
        return
    # Written back at once in the current format, with what could not be read in its quarantine.
    assert hass_storage[KEY]["version"] == STORAGE_VERSION
    assert len(stored(hass_storage)["sessions"]) == readable
    assert stored(hass_storage)["quarantine"] == ([] if readable else [[1, 2, 3]])
