"""The pad's firmware behaviour on the wire: sampling, tare, idle mode, framing, seq and t_ms.

`PadDevice` is fed the true corner loads one sample at a time and returns the MQTT messages the
real pad would publish (docs/protocol.md): full-rate frames of `samples_per_frame` samples, or
one single-sample frame per second once the pad has been idle (total below 10 kg) for 3 s.
Everything random (cell noise, drift, missed readings, lost or duplicated frames, publish delay)
comes from the generator it is given, so a seed reproduces a run.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from custom_components.retro_balance.engine import protocol

FloatArray = npt.NDArray[np.float64]

IDLE_THRESHOLD_KG: Final = 10.0
IDLE_AFTER_S: Final = 3.0
IDLE_INTERVAL_S: Final = 1.0
TARE_SAMPLES: Final = 8
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
    rate_hz: float = 80.0
    samples_per_frame: int = 10
    width_mm: float = 433.0
    depth_mm: float = 238.0
    t0_ms: int = 2000
    noise_kg: float = 0.02
    drift_kg_per_h: float = 0.1
    null_rate: float = 0.0005
    drop_rate: float = 0.0
    dup_rate: float = 0.0
    max_delay_s: float = 0.02
    decimals: int | None = 3

    def __post_init__(self) -> None:
        """Refuse settings the protocol or the physics cannot honour."""
        if not protocol.MIN_RATE_HZ <= self.rate_hz <= protocol.MAX_RATE_HZ:
            raise ValueError(f"rate must be 1–1000 Hz, got {self.rate_hz}")
        if not 1 <= self.samples_per_frame <= protocol.MAX_SAMPLES_PER_FRAME:
            raise ValueError(
                f"samples per frame must be 1–{protocol.MAX_SAMPLES_PER_FRAME}, "
                f"got {self.samples_per_frame}"
            )
        for name in ("drop_rate", "dup_rate", "null_rate"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {getattr(self, name)}")
        for name in ("noise_kg", "drift_kg_per_h", "max_delay_s"):
            if not math.isfinite(getattr(self, name)) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be a non-negative number, got {getattr(self, name)}")
        if self.width_mm <= 0 or self.depth_mm <= 0:
            raise ValueError("pad width and depth must be positive")
        if not 0 <= self.t0_ms < protocol.T_MS_MODULUS:
            raise ValueError(f"t0_ms must be in 0..2**32-1, got {self.t0_ms}")

    def info(self) -> protocol.PadInfo:
        """Describe this pad as its retained info message does."""
        return protocol.PadInfo(
            version=protocol.PROTOCOL_VERSION,
            model=self.model,
            firmware=self.firmware,
            rate_hz=self.rate_hz,
            width_mm=self.width_mm,
            depth_mm=self.depth_mm,
        )


class PadDevice:
    """One pad's firmware state: offsets, idle mode, the frame buffer and the sequence counter."""

    def __init__(self, config: DeviceConfig, rng: np.random.Generator) -> None:
        """Boot: tared to zero, not idle yet, seq 0."""
        self.config = config
        self._rng = rng
        self._drift_kg_per_s = rng.uniform(-1, 1, 4) * config.drift_kg_per_h / 3600.0
        self._tare_kg: FloatArray = np.zeros(4)
        self._recent: deque[FloatArray] = deque(maxlen=TARE_SAMPLES)
        self._buffer: list[FloatArray] = []
        self._buffer_t_ms = 0
        self._seq = 0
        self._idle = False
        self._below_since: float | None = None
        self._next_idle_s = 0.0
        self._last_send_s = 0.0
        self.cues: list[str] = []

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
            Message(time_s, protocol.TopicKind.STATUS, protocol.encode_status(True)),
            Message(time_s, protocol.TopicKind.INFO, protocol.encode_info(self.config.info())),
        ]

    def button(self, time_s: float, press: protocol.Press) -> list[Message]:
        """Send a press of the pad's button."""
        return [self._send(time_s, protocol.TopicKind.BUTTON, protocol.encode_button(press))]

    def tare(self) -> None:
        """Zero every corner at its current reading (mean of the last few samples)."""
        if self._recent:
            self._tare_kg = self._tare_kg + np.nanmean(np.array(self._recent), axis=0)
            self._tare_kg = np.nan_to_num(self._tare_kg)
            self._recent.clear()

    def handle_command(self, payload: bytes | str) -> protocol.Command:
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
        reading = true_loads_kg + self._drift_kg_per_s * time_s - self._tare_kg
        if config.noise_kg > 0:
            reading = reading + self._rng.normal(0.0, config.noise_kg, 4)
        if config.null_rate > 0:
            reading = np.where(self._rng.random(4) < config.null_rate, np.nan, reading)
        self._recent.append(reading)
        total_kg = float(np.nansum(reading))
        t_ms = (config.t0_ms + round(time_s * 1000.0)) % protocol.T_MS_MODULUS
        if total_kg < IDLE_THRESHOLD_KG:
            if self._below_since is None:
                self._below_since = time_s
        else:
            self._below_since = None
        if self._idle:
            return self._feed_idle(time_s, t_ms, reading)
        return self._feed_full_rate(time_s, t_ms, reading)

    def _feed_idle(self, time_s: float, t_ms: int, reading: FloatArray) -> list[Message]:
        if self._below_since is None:
            self._idle = False
            return self._feed_full_rate(time_s, t_ms, reading)
        if time_s + 1e-9 >= self._next_idle_s:
            self._next_idle_s += IDLE_INTERVAL_S
            return self._frame(time_s, t_ms, [reading])
        return []

    def _feed_full_rate(self, time_s: float, t_ms: int, reading: FloatArray) -> list[Message]:
        if not self._buffer:
            self._buffer_t_ms = t_ms
        self._buffer.append(reading)
        messages: list[Message] = []
        if len(self._buffer) >= self.config.samples_per_frame:
            messages = self.flush(time_s)
        if self._below_since is not None and time_s - self._below_since >= IDLE_AFTER_S - 1e-9:
            messages += self.flush(time_s)
            self._idle = True
            self._next_idle_s = time_s + IDLE_INTERVAL_S
        return messages

    def flush(self, time_s: float) -> list[Message]:
        """Send the samples buffered so far as a (possibly short) frame."""
        if not self._buffer:
            return []
        samples, self._buffer = self._buffer, []
        return self._frame(time_s, self._buffer_t_ms, samples)

    def _frame(self, time_s: float, t_ms: int, samples: list[FloatArray]) -> list[Message]:
        frame = protocol.Frame(
            seq=self._seq, t_ms=t_ms, rate_hz=self.config.rate_hz, cells_kg=np.array(samples)
        )
        self._seq = (self._seq + 1) % protocol.SEQ_MODULUS
        payload = protocol.encode_frame(frame, decimals=self.config.decimals)
        dropped, duplicated = self._rng.random(2) < (self.config.drop_rate, self.config.dup_rate)
        if dropped:
            return []
        message = self._send(time_s, protocol.TopicKind.FRAMES, payload)
        if duplicated:
            return [message, self._send(message.time_s + 0.001, message.kind, payload)]
        return [message]

    def _send(self, time_s: float, kind: str, payload: bytes) -> Message:
        delay_s = self._rng.uniform(0.0, self.config.max_delay_s)
        self._last_send_s = max(self._last_send_s, time_s + delay_s)
        return Message(self._last_send_s, kind, payload)
