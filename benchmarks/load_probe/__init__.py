"""Test-only component of benchmarks/load.py (never shipped): event-loop lag and the bare baseline.

Linked into the benchmark's own config folder, in every Home Assistant instance it compares:

- a timer asks the event loop to run a callback every `TICK_S` and records how late it ran
  (the loop lag an MQTT callback or an entity update would wait behind);
- `load_probe.subscribe` (baseline and reader runs) calls `mqtt.async_subscribe` on exactly the
  topics the integration subscribes to, one `<prefix>/<pad>/+` per pad with QoS 1 and raw bytes,
  with a callback that only counts what arrives: what Home Assistant costs without the integration;
  with `read: true` (the *reader* run) the callback also reads every frame as the integration
  does before any analysis, parsed and put in order (`FrameReader`): the least an integration
  that takes every frame in Python can cost;
- `load_probe.report` returns the lag percentiles and the garbage collector's work (collections
  and seconds, by generation) since the last reset, and the messages counted since the
  subscription, by pad and topic kind (`frames`, `status`, …).
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import Counter
from typing import Any

from homeassistant.components import mqtt
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import (
    Event,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers.typing import ConfigType

DOMAIN = "load_probe"
TICK_S = 0.05
"""How often the loop is asked to run the probe's callback (20 lag samples a second)."""


class LoopLag:
    """How late a callback asked for every `TICK_S` runs on the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Not ticking until `start`."""
        self._loop = loop
        self._due = 0.0
        self._handle: asyncio.TimerHandle | None = None
        self.lags_s: list[float] = []

    def start(self) -> None:
        """Start ticking."""
        self._due = self._loop.time() + TICK_S
        self._handle = self._loop.call_at(self._due, self._tick)

    def stop(self) -> None:
        """Stop ticking."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _tick(self) -> None:
        now = self._loop.time()
        self.lags_s.append(now - self._due)
        self._due = now + TICK_S
        self._handle = self._loop.call_at(self._due, self._tick)


class CollectorWork:
    """Collections and the time spent in them, by generation (`gc.callbacks`).

    A profiler charges a collection to whatever allocated the object that triggered it; this
    counts it apart, in both Home Assistant instances alike.
    """

    def __init__(self) -> None:
        """Nothing counted yet; not listening until `start`."""
        self._started_at = 0.0
        self.reset()

    def reset(self) -> None:
        """Count from now."""
        self.collections = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]

    def start(self) -> None:
        """Listen to every collection."""
        gc.callbacks.append(self._phase)

    def stop(self) -> None:
        """Stop listening."""
        if self._phase in gc.callbacks:
            gc.callbacks.remove(self._phase)

    def _phase(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started_at = time.perf_counter()
            return
        generation = info["generation"]
        self.collections[generation] += 1
        self.seconds[generation] += time.perf_counter() - self._started_at


class FrameReader:
    """One pad's frames parsed and put in order, as the integration does first, and no more."""

    def __init__(self) -> None:
        """Start a sequencer (the integration is linked in the reader run's configuration)."""
        # Imported here: only the reader run links the integration, whose engine this is.
        from custom_components.retro_balance.engine.wire.messages import ProtocolError
        from custom_components.retro_balance.engine.wire.protocol import parse_frame
        from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer

        self._protocol_error = ProtocolError
        self._parse = parse_frame
        self._sequencer = FrameSequencer()

    def read(self, payload: bytes | str) -> str:
        """Parse and order one frame; return its count's key: `frames_accepted`, `_refused` or
        `_malformed`."""
        try:
            frame = self._parse(payload)
        except self._protocol_error:
            return "frames_malformed"
        check = self._sequencer.check(frame, received_s=time.monotonic())
        return "frames_accepted" if check.accepted else "frames_refused"


def percentile(ordered: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of an ascending list (None when empty)."""
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start the lag timer and register the two actions."""
    lag = LoopLag(hass.loop)
    lag.start()
    collector = CollectorWork()
    collector.start()
    received: dict[str, Counter[str]] = {}

    @callback
    def stop(_event: Event) -> None:
        lag.stop()
        collector.stop()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)

    async def subscribe(call: ServiceCall) -> None:
        prefix = str(call.data["prefix"])
        read = bool(call.data.get("read", False))
        for pad_id in call.data["pads"]:
            counts = received.setdefault(str(pad_id), Counter())
            reader = FrameReader() if read else None

            @callback
            def count(
                msg: mqtt.ReceiveMessage,
                counts: Counter[str] = counts,
                reader: FrameReader | None = reader,
            ) -> None:
                kind = msg.topic.rsplit("/", 1)[-1]
                counts[kind] += 1
                if reader is not None and kind == "frames":
                    counts[reader.read(msg.payload)] += 1

            await mqtt.async_subscribe(hass, f"{prefix}/{pad_id}/+", count, qos=1, encoding=None)

    async def report(call: ServiceCall) -> ServiceResponse:
        ordered = sorted(lag.lags_s)
        result: dict[str, Any] = {
            "lag_samples": len(ordered),
            "lag_p50_s": percentile(ordered, 0.50),
            "lag_p99_s": percentile(ordered, 0.99),
            "lag_max_s": ordered[-1] if ordered else None,
            "gc_collections": list(collector.collections),
            "gc_s": list(collector.seconds),
            "received": {pad_id: dict(counts) for pad_id, counts in received.items()},
        }
        if call.data.get("reset"):
            lag.lags_s = []
            collector.reset()
        return result

    hass.services.async_register(DOMAIN, "subscribe", subscribe)
    hass.services.async_register(DOMAIN, "report", report, supports_response=SupportsResponse.ONLY)
    return True
