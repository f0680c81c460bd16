"""Damaged storage files met by a real Home Assistant at start-up.

Five more pads are set up; while Home Assistant is down each gets a storage file with a fault
(cut off, from a newer version, a list instead of an object, no version, a wrong label); then
Home Assistant starts once and each test checks what it made of its file.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_socket  # type: ignore[import-untyped]

from custom_components.retro_balance.export import rounded
from devtools.demo import set_up_pad, simulator
from devtools.processes import wait_until
from devtools.stack import Stack

from .conftest import DOMAIN, Faults

FIXTURE = Path(__file__).parents[1] / "integration" / "fixtures" / "sessions.json"
PADS = ("st-truncated", "st-newer", "st-list", "st-noversion", "st-label")


def unassigned_sessions() -> list[dict[str, Any]]:
    """Three stored sessions of nobody in particular (the fixture's two and one more)."""
    sessions: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["sessions"]
    for session in sessions:
        session.update(person_id=None, identified_by="ambiguous", assessment=None)
    third = copy.deepcopy(sessions[1])
    third |= {"session_id": "3" * 32, "started_at": "2026-11-22T07:00:00+00:00"}
    third["ended_at"] = "2026-11-22T07:03:00+00:00"
    return [*sessions, third]


def storage_file(version: int | None, data: Any, key: str) -> dict[str, Any]:
    found: dict[str, Any] = {"key": key, "data": data}
    if version is not None:
        found |= {"version": version, "minor_version": 1}
    return found


@dataclass(frozen=True, kw_only=True)
class Damaged:
    """The pads with damaged files, what was written, and the stack after its restart."""

    stack: Stack
    entries: dict[str, str]
    written: dict[str, bytes]
    sessions: list[dict[str, Any]]

    def path(self, pad_id: str) -> Path:
        return self.stack.hass.config_dir / ".storage" / f"{DOMAIN}.{self.entries[pad_id]}"

    def expected(self, count: int | None = None) -> list[dict[str, Any]]:
        """The written sessions as `export_history` shows them: rounded, named, with every key."""
        return [
            rounded(data) | {"person": None, "planned_tests": data.get("planned_tests", [])}
            for data in self.sessions[:count]
        ]

    def exported(self, pad_id: str) -> list[dict[str, Any]]:
        response = self.stack.api.call_service_for_response(
            DOMAIN,
            "export_history",
            {"config_entry_id": self.entries[pad_id], "scope": "unassigned"},
        )
        found: list[dict[str, Any]] = response["sessions"]
        return found

    def issue(self, kind: str, pad_id: str) -> str:
        return f"{kind}_{self.entries[pad_id]}"


@pytest.fixture(scope="module")
def damaged(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Damaged:
    """Five more pads, their files damaged while Home Assistant was down, and it started again."""
    pytest_socket.enable_socket()  # module fixtures start before a test's socket_enabled
    announce = simulator(
        PADS[0],
        stack.broker.port,
        [arg for pad_id in PADS[1:] for arg in ("--pad-id", pad_id)]
        + ["--scenario", "idle", "--duration", "2"],
        tmp_path_factory.mktemp("storage") / "announce.log",
    )
    announce.start()
    try:
        entries = {pad_id: set_up_pad(stack.api, pad_id) for pad_id in PADS}
        wait_until(lambda: not announce.running, what="the announce run to end", timeout_s=30)
    finally:
        announce.stop()
    stack.hass.stop()
    sessions = unassigned_sessions()
    storage = stack.hass.config_dir / ".storage"
    written: dict[str, bytes] = {}

    def write(pad_id: str, content: str) -> None:
        written[pad_id] = content.encode()
        (storage / f"{DOMAIN}.{entries[pad_id]}").write_bytes(written[pad_id])

    def key(pad_id: str) -> str:
        return f"{DOMAIN}.{entries[pad_id]}"

    v2 = {"sessions": sessions, "quarantine": []}
    whole = json.dumps(storage_file(2, v2, key("st-truncated")), indent=2)
    write("st-truncated", whole[: whole.index(sessions[2]["session_id"])])
    write("st-newer", json.dumps(storage_file(3, {"records": sessions}, key("st-newer"))))
    write("st-list", json.dumps(storage_file(2, sessions[:2], key("st-list"))))
    write("st-noversion", json.dumps(storage_file(None, v2, key("st-noversion"))))
    write("st-label", json.dumps(storage_file(1, v2, key("st-label"))))
    stack.start_hass()
    return Damaged(stack=stack, entries=entries, written=written, sessions=sessions)


def test_a_truncated_file_is_imported_through_the_repair(faults: Faults, damaged: Damaged) -> None:
    """Core moves the cut-off file aside; the repair brings back the sessions still whole."""
    api = damaged.stack.api
    pad = "st-truncated"
    assert damaged.exported(pad) == []
    (corrupt,) = damaged.path(pad).parent.glob(f"{damaged.path(pad).name}.corrupt.*")
    issue_id = damaged.issue("corrupt_storage", pad)
    assert api.issues(DOMAIN)[issue_id]["translation_placeholders"]["path"] == str(corrupt)
    assert api.fix_issue(DOMAIN, issue_id)["type"] == "create_entry"
    imported = wait_until(
        lambda: damaged.exported(pad), what="the imported sessions to show", timeout_s=30
    )
    assert imported == damaged.expected(2)
    assert not corrupt.exists()
    assert corrupt.with_name(corrupt.name + ".imported").read_bytes() == damaged.written[pad]
    assert issue_id not in api.issues(DOMAIN)
    assert not [i for i in api.issues("homeassistant") if i.startswith("storage_corruption")]


def test_a_newer_version_is_refused_and_left_untouched(faults: Faults, damaged: Damaged) -> None:
    api = damaged.stack.api
    pad = "st-newer"
    (entry,) = [e for e in api.config_entries(DOMAIN) if e["entry_id"] == damaged.entries[pad]]
    assert entry["state"] == "setup_error"
    issue = api.issues(DOMAIN)[damaged.issue("storage_too_new", pad)]
    assert issue["translation_placeholders"]["version"] == "3"
    assert damaged.path(pad).read_bytes() == damaged.written[pad]
    assert not list(damaged.path(pad).parent.glob(f"{damaged.path(pad).name}.*"))


def test_a_list_instead_of_an_object_is_quarantined_and_can_be_moved_aside(
    faults: Faults, damaged: Damaged
) -> None:
    api = damaged.stack.api
    pad = "st-list"
    assert damaged.exported(pad) == []
    issue_id = damaged.issue("sessions_quarantined", pad)
    assert api.issues(DOMAIN)[issue_id]["translation_placeholders"]["count"] == "1"
    assert api.diagnostics(damaged.entries[pad])["sessions"]["unreadable"] == 1
    assert api.fix_issue(DOMAIN, issue_id)["type"] == "create_entry"
    (aside,) = damaged.path(pad).parent.glob(f"{damaged.path(pad).name}.quarantine.*")
    assert json.loads(aside.read_text())["data"] == {"quarantine": [damaged.sessions[:2]]}
    assert json.loads(damaged.path(pad).read_text())["data"] == {"sessions": [], "quarantine": []}
    assert issue_id not in api.issues(DOMAIN)


def test_a_file_without_version_is_copied_aside_and_read(faults: Faults, damaged: Damaged) -> None:
    pad = "st-noversion"
    assert damaged.exported(pad) == damaged.expected()
    (aside,) = damaged.path(pad).parent.glob(f"{damaged.path(pad).name}.unreadable.*")
    assert aside.read_bytes() == damaged.written[pad]
    assert json.loads(damaged.path(pad).read_text())["version"] == 2
    assert damaged.issue("sessions_quarantined", pad) not in damaged.stack.api.issues(DOMAIN)


def test_a_wrong_label_is_read_by_its_layout(faults: Faults, damaged: Damaged) -> None:
    pad = "st-label"
    assert damaged.exported(pad) == damaged.expected()
    backup = damaged.path(pad).with_name(damaged.path(pad).name + ".backup.v1.1")
    kept = json.loads(backup.read_text())
    assert (kept["version"], kept["data"]["sessions"]) == (1, damaged.sessions)
    assert json.loads(damaged.path(pad).read_text())["version"] == 2
    assert damaged.issue("sessions_quarantined", pad) not in damaged.stack.api.issues(DOMAIN)
