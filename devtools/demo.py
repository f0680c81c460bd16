"""The demo pad and household on a running stack: simulator runs, discovery, people, entity lookup.

Used by `scripts/develop` and by the end-to-end tests. The pad is `scripts/simulate-pad` (the pad
simulator, docs/simulator.md) talking to the stack's broker; Home Assistant discovers it from its
retained info message, and the people are added as subentries of the pad through the REST API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .client import HomeAssistantClient
from .demo_history import COURSES, demo_history, import_payload
from .processes import LOCALHOST, REPO, ManagedProcess, wait_until

SIMULATOR = REPO / "scripts" / "simulate-pad"
DOMAIN = "retro_balance"
PERSON = "person"
DEMO_PAD_ID = "hallway"
"""The pad id the committed caregiver dashboard (config/dashboards/caregiver.yaml) refers to."""


@dataclass(frozen=True, kw_only=True)
class DemoPerson:
    """A person of the demo household, as the person subentry flow asks for them."""

    name: str
    birth_year: int
    sex: str
    weight_kg: float

    def subentry_data(self) -> dict[str, Any]:
        """Return the person form's fields, with a weight range around their weight.

        With two or more people the form needs everyone's range, none overlapping: the demo's are
        Margaret 58–70 kg and Frank 76–88 kg.
        """
        return {
            "name": self.name,
            "birth_year": self.birth_year,
            "sex": self.sex,
            "weight_min_kg": self.weight_kg - 6.0,
            "weight_max_kg": self.weight_kg + 6.0,
        }


MARGARET = DemoPerson(name="Margaret", birth_year=1948, sex="female", weight_kg=64.0)
FRANK = DemoPerson(name="Frank", birth_year=1945, sex="male", weight_kg=82.0)
DEMO_PEOPLE = (MARGARET, FRANK)


def simulator(
    pad_id: str, mqtt_port: int, scenario_args: Sequence[str], log_path: Path
) -> ManagedProcess:
    """`scripts/simulate-pad` for one pad on the loopback broker, as a managed process."""
    argv = [str(SIMULATOR), "--host", LOCALHOST, "--port", str(mqtt_port), "--pad-id", pad_id]
    return ManagedProcess("simulator", [*argv, *scenario_args], log_path)


def set_up_pad(client: HomeAssistantClient, pad_id: str, timeout_s: float = 60.0) -> str:
    """Confirm the discovered pad (unless it is set up already); return its config entry id."""

    def entry_or_confirm() -> str | None:
        for entry in client.config_entries(DOMAIN):
            if entry["title"] == pad_id and entry["state"] == "loaded":
                return str(entry["entry_id"])
        for flow in client.flows_in_progress(DOMAIN):
            if flow.get("context", {}).get("unique_id", "").endswith(f"/{pad_id}"):
                client.configure_flow(flow["flow_id"], {})
        return None

    return wait_until(
        entry_or_confirm, what=f"pad {pad_id!r} to be discovered and set up", timeout_s=timeout_s
    )


def add_people(
    client: HomeAssistantClient, entry_id: str, people: Sequence[DemoPerson]
) -> dict[str, str]:
    """Add the people who are not subentries of the pad yet; return name → subentry id."""
    present = {s["title"] for s in client.subentries(entry_id) if s["subentry_type"] == PERSON}
    for person in people:
        if person.name not in present:
            client.add_subentry(entry_id, PERSON, [person.subentry_data()])
    return {
        s["title"]: s["subentry_id"]
        for s in client.subentries(entry_id)
        if s["subentry_type"] == PERSON
    }


def seed_history(
    client: HomeAssistantClient, entry_id: str, people: dict[str, str], today: date
) -> dict[str, int]:
    """Import eight simulated weeks before `today` for demo people without earlier sessions.

    Returns how many sessions each person got (`devtools/demo_history.py`); a person who has
    sessions before today (seeded on an earlier start, or real ones) is left alone.
    """
    imported = {}
    for name, person_id in people.items():
        if name not in COURSES:
            continue
        exported = client.call_service_for_response(
            DOMAIN, "export_history", {"config_entry_id": entry_id, "person": name}
        )
        if any(
            datetime.fromisoformat(raw["started_at"]).date() < today for raw in exported["sessions"]
        ):
            continue  # seeded already, or real history: leave it as it is
        records = demo_history(name, person_id, DEMO_PAD_ID, today - timedelta(days=1))
        response = client.call_service_for_response(
            DOMAIN,
            "import_history",
            {"config_entry_id": entry_id, "sessions": import_payload(records)},
        )
        imported[name] = int(response["imported"])
    return imported


@dataclass(frozen=True, kw_only=True)
class PadEntities:
    """Entity ids of one pad and its people, found by unique id in the entity registry.

    The integration's unique ids are `<entry_id>_<key>` for the pad's entities and
    `<subentry_id>_<key>` for a person's, whatever names Home Assistant derives for them.
    """

    entry_id: str
    people: dict[str, str]
    by_unique_id: dict[str, str]

    def pad(self, key: str) -> str:
        """Return the pad entity with this description key."""
        return self.by_unique_id[f"{self.entry_id}_{key}"]

    def person(self, name: str, key: str) -> str:
        """Return the entity of a person (by name) with this description key."""
        return self.by_unique_id[f"{self.people[name]}_{key}"]


def find_entities(
    client: HomeAssistantClient, entry_id: str, people: dict[str, str], timeout_s: float = 30.0
) -> PadEntities:
    """Wait until every person has entities registered, then map them."""

    def registered() -> dict[str, str] | None:
        found = client.registry_entities(DOMAIN)
        owners = {unique_id.split("_", 1)[0] for unique_id in found}
        return found if {entry_id, *people.values()} <= owners else None

    by_unique_id = wait_until(
        registered, what="the pad's and people's entities to be registered", timeout_s=timeout_s
    )
    return PadEntities(entry_id=entry_id, people=people, by_unique_id=by_unique_id)


def start_test_when_online(
    client: HomeAssistantClient, entities: PadEntities, test: str, *, timeout_s: float = 60.0
) -> None:
    """Wait for the pad to be online, then start `test` on it (`retro_balance.start_test`)."""
    client.wait_for_state(
        entities.pad("connectivity"),
        lambda s: s["state"] == "on",
        what="pad online",
        timeout_s=timeout_s,
    )
    client.call_service(DOMAIN, "start_test", {"config_entry_id": entities.entry_id, "test": test})
