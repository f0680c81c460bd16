"""Home Assistant's side of benchmarks/load.py: its config, its pads and people, what it reports.

- `prepare_config`: the benchmark's own config folder (the committed `config/`'s core settings
  with a plain logger, the recorder on SQLite or a given database URL, the test-only `load_probe`
  component, and the integration linked in only for the integration runs);
- `set_up_pads`: confirm the discovered pads, give each check pad a person and the check cap;
- `ProcessSample`: CPU seconds and resident memory of the Home Assistant process from /proc;
- `StateWatch`: a websocket subscription (a state trigger on given entities) that records when
  each entity changed, in a thread of its own, for the live-path latency;
- `entity_owners`, `pad_of`, `diagnostics`: whose an entity is, whose a config entry is, and a
  pad's live counters from its config entry diagnostics.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from devtools.client import HomeAssistantClient
from devtools.home_assistant import link_integration
from devtools.processes import HarnessError, wait_until

from .load_traffic import WEIGHT_KG

DOMAIN = "retro_balance"
PROBE = Path(__file__).resolve().parent / "load_probe"
CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")

CONFIGURATION = """\
# Written by benchmarks/load.py for one run; the same in the baseline and the integration run.
homeassistant:
  name: Load benchmark
  time_zone: UTC
  country: NL
  currency: EUR
  unit_system: metric
  latitude: 52.37
  longitude: 4.89
  elevation: 0
http:
  server_host: 127.0.0.1
  server_port: !env_var RETRO_BALANCE_HTTP_PORT 8123
frontend:
config:
history:
logbook:
recorder:{recorder}
load_probe:
logger:
  default: warning
"""


def prepare_config(config_dir: Path, *, integration: bool, db_url: str | None) -> None:
    """Write the run's configuration and link the probe (and the integration when wanted)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    recorder = f"\n  db_url: {db_url}" if db_url else ""
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(recorder=recorder))
    probe = config_dir / "custom_components" / "load_probe"
    probe.parent.mkdir(parents=True, exist_ok=True)
    if not probe.exists():
        probe.symlink_to(PROBE, target_is_directory=True)
    if integration:
        link_integration(config_dir)


def wait_mqtt_loaded(client: HomeAssistantClient) -> None:
    """Wait until the MQTT entry is set up (a subscription before that would fail)."""
    wait_until(
        lambda: any(e["state"] == "loaded" for e in client.config_entries("mqtt")),
        what="the MQTT entry to be loaded",
        timeout_s=60,
    )


def set_up_pads(
    client: HomeAssistantClient, pad_ids: list[str], check_pads: list[str], cap_s: float
) -> dict[str, str]:
    """Confirm every discovered pad; each check pad gets one person and the cap. pad → entry id."""
    wanted = set(pad_ids)

    def loaded() -> dict[str, str] | None:
        entries = {e["title"]: e for e in client.config_entries(DOMAIN)}
        for flow in client.flows_in_progress(DOMAIN):
            pad_id = flow.get("context", {}).get("unique_id", "").rsplit("/", 1)[-1]
            if pad_id in wanted and pad_id not in entries:
                client.configure_flow(flow["flow_id"], {})
        ready = {t: e["entry_id"] for t, e in entries.items() if e["state"] == "loaded"}
        return ready if wanted <= set(ready) else None

    entries = wait_until(loaded, what=f"{len(pad_ids)} pads set up", timeout_s=180, interval_s=1)
    for pad_id in check_pads:
        entry_id = entries[pad_id]
        flow = client.post("/api/config/config_entries/options/flow", {"handler": entry_id})
        # Every option as the form offers it (its default or suggested value), but the cap.
        options = {}
        for item in flow["data_schema"]:
            value = item.get("default", (item.get("description") or {}).get("suggested_value"))
            if value is not None:
                options[item["name"]] = value
        options["cap_s"] = cap_s
        result = client.post(f"/api/config/config_entries/options/flow/{flow['flow_id']}", options)
        if result.get("type") != "create_entry":
            raise HarnessError(f"options of {pad_id} not saved: {result}")
        client.add_subentry(
            entry_id,
            "person",
            [
                {
                    "name": f"Resident {pad_id}",
                    "birth_year": 1946,
                    "sex": "female",
                    "weight_min_kg": WEIGHT_KG - 6.0,
                    "weight_max_kg": WEIGHT_KG + 6.0,
                }
            ],
        )
    wait_until(loaded, what="the check pads to be loaded again", timeout_s=120, interval_s=1)

    # A loaded entry's MQTT subscription may still be on its way to the broker (Home Assistant
    # batches subscriptions): a pad is ready once its retained status has come through it.
    def heard() -> bool:
        return all(diagnostics(client, entries[pad_id])["online"] for pad_id in pad_ids)

    wait_until(heard, what="every pad to be heard", timeout_s=60, interval_s=0.5)
    return entries


def probe_report(client: HomeAssistantClient, *, reset: bool = False) -> dict[str, Any]:
    """The probe's loop lag since the last reset and its message counts."""
    return client.call_service_for_response("load_probe", "report", {"reset": reset})


@dataclass(frozen=True, kw_only=True)
class ProcessSample:
    """CPU time (user + system, every thread) and resident memory of a process, now."""

    cpu_s: float
    system_s: float
    """The part of `cpu_s` spent in the kernel (sockets, timers, memory)."""
    rss_mb: float

    @classmethod
    def of(cls, pid: int) -> ProcessSample:
        """Read /proc/<pid>/stat and /proc/<pid>/status."""
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        user_s = int(fields[11]) / CLOCK_TICKS_PER_S  # utime
        system_s = int(fields[12]) / CLOCK_TICKS_PER_S  # stime
        rss_kb = next(
            int(line.split()[1])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        )
        return cls(cpu_s=user_s + system_s, system_s=system_s, rss_mb=rss_kb / 1024)


def load_average() -> str:
    """The machine's 1-minute load average now (2 cores: above 2 means waiting for a core)."""
    return Path("/proc/loadavg").read_text().split()[0]


@dataclass
class StateWatch:
    """Record every state change of some entities: (entity id, last_updated as epoch seconds)."""

    client: HomeAssistantClient
    entity_ids: list[str]
    changes: list[tuple[str, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _ready: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _error: BaseException | None = None

    def start(self) -> None:
        """Subscribe in a background thread; return once the subscription is confirmed."""
        self._thread = threading.Thread(target=self._run, name="state-watch", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise HarnessError(f"the state watch did not start: {self._error!r}")

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        try:
            asyncio.run(self._watch())
        except BaseException as err:  # reported by start() or seen as missing changes
            self._error = err
            self._ready.set()

    async def _watch(self) -> None:
        url = self.client.base_url.replace("http://", "ws://") + "/api/websocket"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": self.client.tokens["access_token"]})
            if (await ws.receive_json()).get("type") != "auth_ok":
                raise HarnessError("websocket authentication failed")
            trigger = {"platform": "state", "entity_id": self.entity_ids}
            await ws.send_json({"id": 1, "type": "subscribe_trigger", "trigger": trigger})
            while not self._stop.is_set():
                try:
                    message = await ws.receive_json(timeout=0.5)
                except TimeoutError:
                    continue
                if message.get("type") == "result":
                    if not message.get("success"):
                        raise HarnessError(f"subscribe_trigger failed: {message}")
                    self._ready.set()
                    continue
                to_state = message["event"]["variables"]["trigger"]["to_state"]
                updated = datetime.fromisoformat(to_state["last_updated"]).timestamp()
                self.changes.append((to_state["entity_id"], updated))


def entity_owners(client: HomeAssistantClient) -> dict[str, tuple[str, bool]]:
    """entity id → (config entry id, whether it is a person's) for the integration's entities."""
    entities = client.ws({"type": "config/entity_registry/list"})[0]
    return {
        e["entity_id"]: (e["config_entry_id"], e.get("config_subentry_id") is not None)
        for e in entities
        if e["platform"] == DOMAIN
    }


def pad_of(entries: dict[str, str], entry_id: str) -> str:
    """The pad whose entry this is."""
    return next(pad for pad, entry in entries.items() if entry == entry_id)


def is_number(state: str) -> bool:
    """Whether a state is a number (what the recorder compiles statistics from)."""
    try:
        float(state)
    except ValueError:
        return False
    return True


def diagnostics(client: HomeAssistantClient, entry_id: str) -> dict[str, Any]:
    """A pad's live counters, from its config entry diagnostics."""
    pad: dict[str, Any] = client.get(f"/api/diagnostics/config_entry/{entry_id}")["data"]["pad"]
    return pad
