"""A pad's MQTT traffic: subscribe, route by topic, parse, put frames in order, publish commands.

The message callback runs in the event loop for every message. Frames come ~8 a second; while
the listener (the coordinator) can take them late (no test runs), they wait unparsed, at most
`FRAME_BATCH_S` after the first of them arrived, and are then judged together: parsed, put in
order by the sequencer (each with the time it arrived), counted and logged (rate-limited) when
dropped, and handed over in one call. A running test takes each frame at once. Any other message
of the pad (status, info, a button press) and a test starting hand over the waiting frames
first, so the listener sees every message in the order it arrived. It is told when a frame
starts a new time base (reboot, clock jump) and when a frame conflicts (another pad under the
same id). It decides nothing else. A cue the pad cannot hear (it is offline, MQTT
is down, the publish fails) is kept and sent once the pad is back, if it is still recent
(`CUE_RESEND_WITHIN_S`).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from time import monotonic
from types import MappingProxyType
from typing import Protocol

from homeassistant.components import mqtt
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from .const import CUE_RESEND_WITHIN_S, FRAME_BATCH_S, LOG_INTERVAL_S, LOGGER, MAX_HELD_FRAMES
from .engine.wire.messages import ButtonPress, Cue, Frame, PadInfo, ProtocolError
from .engine.wire.protocol import (
    encode_cue_command,
    encode_tare_command,
    parse_button,
    parse_frame,
    parse_info,
    parse_status,
)
from .engine.wire.sequencing import FrameSequencer, FrameVerdict, SequenceCounters, TimeBase
from .engine.wire.topics import TopicKind, parse_topic, topic

LOGGED_PAYLOAD_BYTES = 100
LOGGED_MESSAGE_CHARS = 200

type TimedFrame = tuple[Frame, float]
"""An accepted frame with its first sample's device time, unwrapped (`SequenceCheck.t_first_s`)."""


class PadListener(Protocol):
    """What a pad's messages are handed to (each call comes from the event loop)."""

    @property
    def holds_frames(self) -> bool:
        """Whether frames may wait up to `FRAME_BATCH_S` to be handed over together."""

    def frames_received(self, frames: Sequence[TimedFrame]) -> None:
        """Take accepted frames in order (one while a test runs; up to a second's otherwise).

        Called after every frame, or every batch of them, judged, even if none was accepted.
        """

    def time_base_changed(self, why: TimeBase) -> None:
        """Prepare for the next frame: it is on a new clock (a reboot or a clock jump)."""

    def frame_conflicting(self) -> None:
        """Note a frame that another pad under the same id must have sent."""

    def status_received(self, online: bool) -> None:
        """Take the retained status (the pad's last will says offline)."""

    def info_received(self, info: PadInfo) -> None:
        """Take the retained info message (sent after every connect of the pad)."""

    def button_pressed(self, press: ButtonPress) -> None:
        """Take a press of the pad's own button."""

    def message_dropped(self, error: ProtocolError | None) -> None:
        """Note a message refused by the parser (`error`) or a frame by the sequencer (None)."""


def _shortened(text: str) -> str:
    """Keep the start of a message that may quote a whole 8 KB value."""
    if len(text) <= LOGGED_MESSAGE_CHARS:
        return text
    return f"{text[:LOGGED_MESSAGE_CHARS]}… ({len(text)} characters)"


class RateLimitedLog:
    """Log a warning once per `LOG_INTERVAL_S` for each key (counters see every case)."""

    def __init__(self) -> None:
        """Nothing logged yet."""
        self._last: dict[str, float] = {}

    def warning(self, key: str, message: str, *args: object) -> None:
        """Log unless the same key was logged less than `LOG_INTERVAL_S` ago."""
        now = monotonic()
        last = self._last.get(key)
        if last is not None and now - last < LOG_INTERVAL_S:
            return
        self._last[key] = now
        LOGGER.warning(message, *args)


class PadMqtt:
    """One pad's topics `<prefix>/<pad_id>/…`: messages in, commands out."""

    def __init__(self, hass: HomeAssistant, prefix: str, pad_id: str) -> None:
        """Bind to the pad's topics (nothing is subscribed until `async_subscribe`)."""
        self.hass = hass
        self.prefix = prefix
        self.pad_id = pad_id
        self._listener: PadListener | None = None
        self._sequencer = FrameSequencer()
        self._malformed: Counter[str] = Counter()
        self._log = RateLimitedLog()
        self._pending_cue: tuple[Cue, float] | None = None
        self._frames_topic = topic(prefix, pad_id, TopicKind.FRAMES)
        self._held: list[tuple[bytes | str, float]] = []  # payload, monotonic time of arrival
        self._release: asyncio.TimerHandle | None = None
        self._handlers: dict[TopicKind, Callable[[PadListener, bytes | str], None]] = {
            TopicKind.FRAMES: self._on_frame,
            TopicKind.STATUS: self._on_status,
            TopicKind.INFO: self._on_info,
            TopicKind.BUTTON: self._on_button,
        }

    async def async_subscribe(self, listener: PadListener) -> CALLBACK_TYPE:
        """Subscribe to every topic of the pad; returns the unsubscribe callback.

        Unsubscribing drops the frames still waiting: nothing that runs needs them.
        """
        self._listener = listener
        unsubscribe = await mqtt.async_subscribe(
            self.hass,
            f"{self.prefix}/{self.pad_id}/+",
            self.async_handle_message,
            qos=1,
            encoding=None,
        )

        @callback
        def stop() -> None:
            unsubscribe()
            self._held.clear()
            self.release_frames()  # nothing left to judge: only stops the timer

        return stop

    @property
    def frame_counters(self) -> SequenceCounters:
        """Every frame judged by the sequencer, by verdict, and the frames lost on the way."""
        return self._sequencer.counters

    @property
    def malformed(self) -> Mapping[str, int]:
        """Messages refused by the parser, by reason (a read-only copy)."""
        return MappingProxyType(dict(self._malformed))

    @callback
    def reset_order(self) -> None:
        """Forget the last frame (the pad restarted); the counters are kept."""
        self._sequencer.reset()

    @callback
    def async_handle_message(self, msg: mqtt.ReceiveMessage) -> None:
        """Route one message of the subscription; topics of other pads are ignored."""
        listener = self._listener
        if listener is None:
            return
        if msg.topic == self._frames_topic and listener.holds_frames:
            self._hold(msg.payload)
            return
        parsed = parse_topic(msg.topic, self.prefix)
        if parsed is None or parsed[0] != self.pad_id:
            return
        if handler := self._handlers.get(parsed[1]):
            self.release_frames()
            handler(listener, msg.payload)

    def _hold(self, payload: bytes | str) -> None:
        held = self._held
        held.append((payload, monotonic()))
        if len(held) >= MAX_HELD_FRAMES:
            self.release_frames()
        elif self._release is None:
            self._release = self.hass.loop.call_later(FRAME_BATCH_S, self.release_frames)

    @callback
    def release_frames(self) -> None:
        """Judge the waiting frames now and hand over those accepted."""
        if self._release is not None:
            self._release.cancel()
            self._release = None
        held, self._held = self._held, []
        if held and self._listener is not None:
            self._judge(self._listener, held)

    def _on_frame(self, listener: PadListener, payload: bytes | str) -> None:
        self._judge(listener, [(payload, monotonic())])

    def _judge(self, listener: PadListener, arrived: Sequence[tuple[bytes | str, float]]) -> None:
        """Parse and order frames as they arrived; hand over the accepted ones together.

        Those before a new time base are handed over before the listener hears of it; the
        listener is handed the rest even if none was accepted (it publishes the drops).
        """
        accepted: list[TimedFrame] = []
        for payload, received_s in arrived:
            try:
                frame = parse_frame(payload)
            except ProtocolError as err:
                self._drop_malformed(listener, TopicKind.FRAMES, err, payload)
                continue
            check = self._sequencer.check(frame, received_s=received_s)
            if not check.accepted:
                self._log.warning(
                    f"frames:{check.verdict.value}",
                    "Dropped a %s frame (seq %s) from pad %s",
                    check.verdict.value,
                    frame.seq,
                    self.pad_id,
                )
                if check.verdict is FrameVerdict.CONFLICTING:
                    listener.frame_conflicting()
                listener.message_dropped(None)
                continue
            if check.new_time_base is not None:
                LOGGER.info(
                    "Pad %s: new time base (%s) at seq %s",
                    self.pad_id,
                    check.new_time_base,
                    frame.seq,
                )
                if accepted:
                    listener.frames_received(accepted)
                    accepted = []
                listener.time_base_changed(check.new_time_base)
            accepted.append((frame, check.t_first_s))
        listener.frames_received(accepted)

    def _on_status(self, listener: PadListener, payload: bytes | str) -> None:
        try:
            online = parse_status(payload)
        except ProtocolError as err:
            self._drop_malformed(listener, TopicKind.STATUS, err, payload)
            return
        listener.status_received(online)

    def _on_info(self, listener: PadListener, payload: bytes | str) -> None:
        try:
            info = parse_info(payload)
        except ProtocolError as err:
            self._drop_malformed(listener, TopicKind.INFO, err, payload)
            return
        listener.info_received(info)

    def _on_button(self, listener: PadListener, payload: bytes | str) -> None:
        try:
            press = parse_button(payload)
        except ProtocolError as err:
            self._drop_malformed(listener, TopicKind.BUTTON, err, payload)
            return
        listener.button_pressed(press)

    def _drop_malformed(
        self, listener: PadListener, kind: TopicKind, err: ProtocolError, payload: bytes | str
    ) -> None:
        """Count and log (`protocol.md`: reason, topic, the payload's first 100 bytes)."""
        self._malformed[err.reason] += 1
        raw = payload.encode(errors="replace") if isinstance(payload, str) else payload
        self._log.warning(
            f"{kind.value}:{err.reason}",
            "Dropped a malformed %s message from pad %s (%s: %s); payload starts %r",
            kind.value,
            self.pad_id,
            err.reason,
            _shortened(err.message),
            raw[:LOGGED_PAYLOAD_BYTES],
        )
        listener.message_dropped(err)

    # --- commands ----------------------------------------------------------------------

    @property
    def _cmd_topic(self) -> str:
        return topic(self.prefix, self.pad_id, TopicKind.CMD)

    async def async_tare(self) -> None:
        """Ask the pad to zero its empty readings (errors reach the caller)."""
        await mqtt.async_publish(self.hass, self._cmd_topic, encode_tare_command(), qos=1)

    async def async_cue(self, cue: Cue, *, pad_listening: bool = True) -> None:
        """Send a cue; never raises (a missed beep must not stop a test).

        A cue for a pad that cannot hear it now (offline, or MQTT down), or whose publish fails,
        is kept and sent by `async_send_pending_cue` once the pad is back.
        """
        if not pad_listening:
            LOGGER.info(
                "Pad %s cannot hear the %s cue now; it is sent when it is back", self.pad_id, cue
            )
            self._pending_cue = (cue, self.hass.loop.time())
            return
        try:
            await mqtt.async_publish(self.hass, self._cmd_topic, encode_cue_command(cue), qos=1)
        except HomeAssistantError as err:
            LOGGER.warning(
                "Could not send the %s cue to pad %s (%s); it is sent again when the pad is back",
                cue,
                self.pad_id,
                err,
            )
            self._pending_cue = (cue, self.hass.loop.time())
        else:
            self._pending_cue = None

    async def async_send_pending_cue(self) -> None:
        """Send the cue the pad missed (it is back), unless it is too old to mean anything."""
        if self._pending_cue is None:
            return
        cue, missed_at = self._pending_cue
        self._pending_cue = None
        age_s = self.hass.loop.time() - missed_at
        if age_s > CUE_RESEND_WITHIN_S:
            LOGGER.warning(
                "Pad %s missed the %s cue %.0f s ago; it is not sent any more",
                self.pad_id,
                cue,
                age_s,
            )
            return
        LOGGER.info("Sending the %s cue to pad %s again (it is back)", cue, self.pad_id)
        await self.async_cue(cue)
