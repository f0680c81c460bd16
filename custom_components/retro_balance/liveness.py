"""Whether a pad can be heard: the MQTT broker, fresh frames, and a second pad under its id.

`PadLiveness` keeps three things for the coordinator, with their timers:
- the broker connection (`mqtt.async_subscribe_connection_status`): while it is down nothing the
  pad says can arrive, so the pad's entities are unavailable rather than showing old values;
- whether frames are fresh: the pad sends at least one frame a second, so after
  `LIVE_VALUES_EXPIRE_AFTER_S` without one the live weight, occupancy and rate are stale;
- the evidence for two pads publishing under one id (`engine.wire.twins.TwinWatch`), and the
  end of the suspicion after a quiet while.
It raises and clears the `twin_pads` repair, and calls `on_change` (the coordinator publishes)
when the live values expire or the twin suspicion ends by itself; everything else the
coordinator asks for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .const import LIVE_VALUES_EXPIRE_AFTER_S, LOGGER
from .engine.wire.twins import QUIET_BEFORE_CLEAR_S, TwinEvidence, TwinWatch
from .issues import PadIssues


class PadLiveness:
    """The broker connection, fresh frames, twin evidence (see the module docstring)."""

    def __init__(
        self, hass: HomeAssistant, pad_id: str, issues: PadIssues, on_change: Callable[[], None]
    ) -> None:
        """Nothing heard yet: the broker counts as connected until told otherwise."""
        self._hass = hass
        self._pad_id = pad_id
        self._issues = issues
        self._on_change = on_change
        self.broker_connected = True
        self.fresh = False
        self._expiry: asyncio.TimerHandle | None = None
        self._twins = TwinWatch()
        self._twins_timer: CALLBACK_TYPE | None = None

    @property
    def twins(self) -> bool:
        """Whether two pads seem to publish under this pad's id."""
        return self._twins.suspected(self._hass.loop.time())

    @callback
    def frame_arrived(self) -> bool:
        """Note a frame; return True when the live values were stale until now."""
        was_fresh = self.fresh
        self.fresh = True
        # Re-armed with every frame (a timer handle is cheap next to parsing the frame).
        if self._expiry is not None:
            self._expiry.cancel()
        self._expiry = self._hass.loop.call_later(LIVE_VALUES_EXPIRE_AFTER_S, self._expire)
        return not was_fresh

    @callback
    def broker(self, connected: bool) -> bool:
        """Follow the broker connection; return whether it changed."""
        if connected == self.broker_connected:
            return False
        self.broker_connected = connected
        if not connected:
            self.fresh = False
        return True

    @callback
    def evidence(self, evidence: TwinEvidence) -> bool:
        """Note evidence of a second pad; return True when it makes twins suspected now."""
        was = self.twins
        return self._judged(was, self._twins.note(evidence, self._hass.loop.time()), evidence)

    @callback
    def status(self, online: bool) -> bool:
        """Follow the pad's status (quick reconnections are evidence); True: twins suspected now."""
        was = self.twins
        suspected = self._twins.status(online, self._hass.loop.time())
        return self._judged(was, suspected, TwinEvidence.RECONNECT)

    def _judged(self, was: bool, suspected: bool, evidence: TwinEvidence) -> bool:
        if suspected:
            self._cancel_twins_timer()
            self._twins_timer = async_call_later(
                self._hass, QUIET_BEFORE_CLEAR_S, self._check_twins
            )
        if suspected and not was:
            LOGGER.warning(
                "Two pads seem to publish as %s (%s); tests are refused until only one is left",
                self._pad_id,
                evidence,
            )
            self._issues.twin_pads(True)
            return True
        return False

    @callback
    def twins_resolved(self) -> None:
        """Only one pad is left (the user says so, or no evidence came for a while)."""
        self._cancel_twins_timer()
        self._twins.clear()
        LOGGER.info("Pad %s: no more sign of a second pad under its id", self._pad_id)
        self._issues.twin_pads(False)
        self._on_change()

    @callback
    def shutdown(self) -> None:
        """Stop the timers."""
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        self._cancel_twins_timer()

    def _cancel_twins_timer(self) -> None:
        if self._twins_timer is not None:
            self._twins_timer()
            self._twins_timer = None

    @callback
    def _expire(self) -> None:
        self._expiry = None
        if self.fresh:
            self.fresh = False
            self._on_change()

    @callback
    def _check_twins(self, _now: object) -> None:
        self._twins_timer = None
        if not self.twins:
            self.twins_resolved()
