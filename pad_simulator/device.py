"""The pad's firmware behaviour on the wire: sampling, tare, idle mode, framing, seq and t_ms.

`PadDevice` is fed the true corner loads one sample at a time and returns the MQTT messages the
real pad would publish (docs/protocol.md): full-rate frames of `samples_per_frame` samples, or
one single-sample frame per second once the pad has been idle (total below 10 kg) for 3 s.
Everything random (cell noise, drift, missed readings, lost or duplicated frames, publish delay)
comes from the generator it is given, so a seed reproduces a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD
from custom_components.retro_balance.engine.wire import protocol, topics
from custom_components.retro_balance.engine.wire.messages import (
    IDLE_AFTER_S,
    IDLE_BELOW_KG,
    IDLE_FRAME_INTERVAL_S,
    MAX_RATE_HZ,
    MAX_SAMPLES_PER_FRAME,
    MIN_RATE_HZ,
    PROTOCOL_VERSION,
    SEQ_MODULUS,
    T_MS_MODULUS,
    Command,
    Frame,
    PadInfo,
    Press,
)

DEFAULT_RATE_HZ: Final = 80.0
"""The firmware's sample rate (esphome/balance-pad.yaml)."""
DEFAULT_SAMPLES_PER_FRAME: Final = 10
"""Samples per full-rate frame, as the firmware sends them (about 350 bytes each)."""
DEFAULT_T0_MS: Final = 2000
"""The device clock at the first simulated sample: the pad has been up for 2 s."""
# Tare rules of the firmware (esphome/components/balance_pad/tare.h).
BLOCK_SAMPLES: Final = 10
MANUAL_MAX_RANGE_KG: Final = 0.5
MANUAL_WINDOW_S: Final = 1.0
MANUAL_TIMEOUT_S: Final = 5.0
AUTO_ZERO_BAND_KG: Final = 2.0
AUTO_MAX_RANGE_KG: Final = 0.1
AUTO_WINDOW_S: Final = 10.0
SIMULATOR_VERSION: Final = "0.1.0"


class Message(NamedTuple):
    """One message as the pad sends it: send time (s since start), topic kind, payload."""

    time_s: float
    kind: str
    payload: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceConfig:
    """What the simulated firmware is set up with, and how imperfect its wire is."""

    model: str = "retro_balance simulator"
    firmware: str = f"sim-{SIMULATOR_VERSION}"
    rate_hz: float = DEFAULT_RATE_HZ
    samples_per_frame: int = DEFAULT_SAMPLES_PER_FRAME
    width_mm: float = WII_BALANCE_BOARD.width_mm
    depth_mm: float = WII_BALANCE_BOARD.depth_mm
    t0_ms: int = DEFAULT_T0_MS
    noise_kg: float = 0.02
    drift_kg_per_h: float = 0.1
    null_rate: float = 0.0005
    drop_rate: float = 0.0
    dup_rate: float = 0.0
    max_delay_s: float = 0.02
    decimals: int | None = 3

    def __post_init__(self) -> None:
        """Refuse settings the protocol or the physics cannot honour (the rate becomes a float)."""
        object.__setattr__(self, "rate_hz", float(self.rate_hz))
        if not MIN_RATE_HZ <= self.rate_hz <= MAX_RATE_HZ:
            raise ValueError(f"rate must be 1–1000 Hz, got {self.rate_hz}")
        if not 1 <= self.samples_per_frame <= MAX_SAMPLES_PER_FRAME:
            raise ValueError(
                f"samples per frame must be 1–{MAX_SAMPLES_PER_FRAME}, got {self.samples_per_frame}"
            )
        for name in ("drop_rate", "dup_rate", "null_rate"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {getattr(self, name)}")
        for name in ("noise_kg", "drift_kg_per_h", "max_delay_s"):
            if not math.isfinite(getattr(self, name)) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be a non-negative number, got {getattr(self, name)}")
        if self.width_mm <= 0 or self.depth_mm <= 0:
            raise ValueError("pad width and depth must be positive")
        if not 0 <= self.t0_ms < T_MS_MODULUS:
            raise ValueError(f"t0_ms must be in 0..2**32-1, got {self.t0_ms}")

    def info(self) -> PadInfo:
        """Describe this pad as its retained info message does."""
        return PadInfo(
            version=PROTOCOL_VERSION,
            model=self.model,
            firmware=self.firmware,
            rate_hz=self.rate_hz,
            width_mm=self.width_mm,
            depth_mm=self.depth_mm,
        )


class PadDevice:
    """One pad's firmware state: zero offsets, tare, idle mode, frame buffer, sequence counter."""

    def __init__(self, config: DeviceConfig, rng: np.random.Generator) -> None:
        """Boot: zeroed, at full rate (someone may already stand on the pad), seq 0."""
        self.config = config
        self._rng = rng
        self._drift_kg_per_s = rng.uniform(-1, 1, 4) * config.drift_kg_per_h / 3600.0
        self._zero_kg: FloatArray = np.zeros(4)
        self._tare_requested = False
        self._tare_since_s: float | None = None
        self._manual = _StabilityWindow(MANUAL_MAX_RANGE_KG)
        self._auto = _StabilityWindow(AUTO_MAX_RANGE_KG)
        self._buffer: list[FloatArray] = []
        self._buffer_t_ms = 0
        self._seq = 0
        self._idle = False
        self._below_since: float | None = None
        self._idle_sent_s: float | None = None
        self._last_send_s = 0.0
        self.cues: list[str] = []
        self.tare_events: list[str] = []

    @property
    def idle(self) -> bool:
        """Whether the pad is in idle mode (one single-sample frame per second)."""
        return self._idle

    @property
    def seq(self) -> int:
        """Sequence number the next frame will carry."""
        return self._seq

    def announce(self, time_s: float) -> list[Message]:
        """Birth messages: retained status `online` and info (also re-sent on every reconnect)."""
        return [
            Message(time_s, topics.TopicKind.STATUS, protocol.encode_status(True)),
            Message(time_s, topics.TopicKind.INFO, protocol.encode_info(self.config.info())),
        ]

    def button(self, time_s: float, press: Press) -> list[Message]:
        """Send a press of the pad's button."""
        return [self._send(time_s, topics.TopicKind.BUTTON, protocol.encode_button(press))]

    def tare(self) -> None:
        """Ask for a tare, as the `tare` command does: zero once the pad has been still for 1 s.

        The firmware's rule: each corner's range of 10-sample block means below 0.5 kg for 1 s,
        within 5 s of the request, or the request fails (recorded in `tare_events`).
        """
        self._tare_requested = True
        self._tare_since_s = None
        self._manual = _StabilityWindow(MANUAL_MAX_RANGE_KG)

    def handle_command(self, payload: bytes | str) -> Command:
        """Act on a `cmd` payload (tare, or remember a cue); raises `ProtocolError` if malformed."""
        command = protocol.parse_command(payload)
        if command.cmd == "tare":
            self.tare()
        else:
            self.cues.append(str(command.cue))
        return command

    def feed(self, time_s: float, true_loads_kg: FloatArray) -> list[Message]:
        """Take one sample at device time `time_s`; return the messages it completes."""
        config = self.config
        reading = true_loads_kg + self._drift_kg_per_s * time_s - self._zero_kg
        if config.noise_kg > 0:
            reading = reading + self._rng.normal(0.0, config.noise_kg, 4)
        if config.null_rate > 0:
            reading = np.where(self._rng.random(4) < config.null_rate, np.nan, reading)
        self._update_tare(time_s, reading)
        t_ms = (config.t0_ms + round(time_s * 1000.0)) % T_MS_MODULUS
        if self._update_idle(time_s, reading):
            return self._feed_idle(time_s, t_ms, reading)
        self._idle_sent_s = None
        if not self._buffer:
            self._buffer_t_ms = t_ms
        self._buffer.append(reading)
        if len(self._buffer) >= config.samples_per_frame:
            return self.flush(time_s)
        return []

    def flush(self, time_s: float) -> list[Message]:
        """Send the samples buffered so far as a (possibly short) frame."""
        if not self._buffer:
            return []
        samples, self._buffer = self._buffer, []
        return self._frame(time_s, self._buffer_t_ms, samples)

    def _update_idle(self, time_s: float, reading: FloatArray) -> bool:
        """Idle once the total stayed below 10 kg for 3 s; a sample with a null decides nothing."""
        if float(np.nansum(reading)) >= IDLE_BELOW_KG:
            self._idle = False
            self._below_since = None
        elif not np.isnan(reading).any():
            if self._below_since is None:
                self._below_since = time_s
            if time_s - self._below_since >= IDLE_AFTER_S - 1e-9:
                self._idle = True
        return self._idle

    def _feed_idle(self, time_s: float, t_ms: int, reading: FloatArray) -> list[Message]:
        messages = self.flush(time_s)
        if self._idle_sent_s is None or time_s - self._idle_sent_s >= IDLE_FRAME_INTERVAL_S - 1e-9:
            self._idle_sent_s = time_s
            messages += self._frame(time_s, t_ms, [reading])
        return messages

    def _update_tare(self, time_s: float, reading: FloatArray) -> None:
        """Manual tare when requested, else automatic re-zeroing of an empty, still pad."""
        if self._tare_requested:
            if self._tare_since_s is None:
                self._tare_since_s = time_s
            if time_s - self._tare_since_s > MANUAL_TIMEOUT_S:
                self._tare_requested = False
                self.tare_events.append("tare_failed")
            elif self._manual.steady_for(time_s, reading) >= MANUAL_WINDOW_S:
                self._zero_kg = self._zero_kg + self._manual.mean_kg()
                self._tare_requested = False
                self._auto = _StabilityWindow(AUTO_MAX_RANGE_KG)
                self.tare_events.append("tared")
            return
        if np.isnan(reading).any() or (np.abs(reading) > AUTO_ZERO_BAND_KG).any():
            self._auto = _StabilityWindow(AUTO_MAX_RANGE_KG)
        elif self._auto.steady_for(time_s, reading) >= AUTO_WINDOW_S:
            self._zero_kg = self._zero_kg + self._auto.mean_kg()
            self._auto = _StabilityWindow(AUTO_MAX_RANGE_KG)
            self.tare_events.append("auto_tared")

    def _frame(self, time_s: float, t_ms: int, samples: list[FloatArray]) -> list[Message]:
        frame = Frame(
            seq=self._seq, t_ms=t_ms, rate_hz=self.config.rate_hz, cells_kg=np.array(samples)
        )
        self._seq = (self._seq + 1) % SEQ_MODULUS
        payload = protocol.encode_frame(frame, decimals=self.config.decimals)
        dropped, duplicated = self._rng.random(2) < (self.config.drop_rate, self.config.dup_rate)
        if dropped:
            return []
        message = self._send(time_s, topics.TopicKind.FRAMES, payload)
        if duplicated:
            return [message, self._send(message.time_s + 0.001, message.kind, payload)]
        return [message]

    def _send(self, time_s: float, kind: str, payload: bytes) -> Message:
        delay_s = self._rng.uniform(0.0, self.config.max_delay_s)
        self._last_send_s = max(self._last_send_s, time_s + delay_s)
        return Message(self._last_send_s, kind, payload)


class _StabilityWindow:
    """A run of samples whose 10-sample block means stay within `max_range_kg` per corner."""

    def __init__(self, max_range_kg: float) -> None:
        self.max_range_kg = max_range_kg
        self._start_s: float | None = None
        self._block: list[FloatArray] = []
        self._means: list[FloatArray] = []

    def steady_for(self, time_s: float, reading: FloatArray) -> float:
        """Add a sample; return how long (s) the pad has been steady, 0 after any disturbance."""
        if np.isnan(reading).any():
            self._start_s = None
            return 0.0
        if self._start_s is None:
            self._start_s, self._block, self._means = time_s, [], []
        self._block.append(reading)
        if len(self._block) == BLOCK_SAMPLES:
            self._means.append(np.mean(self._block, axis=0))
            self._block = []
            means = np.array(self._means)
            if (means.max(axis=0) - means.min(axis=0) >= self.max_range_kg).any():
                self._start_s, self._block, self._means = time_s, [reading], []
                return 0.0
        if len(self._means) < 2:
            return 0.0
        return time_s - self._start_s

    def mean_kg(self) -> FloatArray:
        """Mean reading per corner over the steady run."""
        mean: FloatArray = np.mean(self._means, axis=0)
        return mean
