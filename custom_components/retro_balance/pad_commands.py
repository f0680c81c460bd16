"""What entities and actions can ask of one pad: start or cancel a test, tare, choose.

Buttons, selects and actions call these (`coordinator.commands`); the pad's own button does
too. A command that cannot be carried out raises `ServiceValidationError` with a translated
message naming the pad.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError

from .coach_runtime import PadCoach
from .const import DAILY_CHECK, DOMAIN, LOGGER, SINGLE_LEG_PRACTICE
from .engine.wire.messages import ButtonPress, Cue
from .guidance import PadGuidance
from .liveness import PadLiveness
from .pad_live import PadLive
from .pad_mqtt import PadMqtt
from .runs import PadRuns
from .settings import run_plan


class PadCommands:
    """Start, cancel, tare and choose on one pad (and from its button), send cues, publish."""

    def __init__(
        self,
        entry: ConfigEntry[Any],
        *,
        live: PadLive,
        liveness: PadLiveness,
        runs: PadRuns,
        mqtt: PadMqtt,
        guidance: PadGuidance,
        coach: PadCoach,
        publish: Callable[[], None],
    ) -> None:
        """Act on the pad's parts; `publish` sends the new snapshot."""
        self._entry = entry
        self._live = live
        self._liveness = liveness
        self._runs = runs
        self._mqtt = mqtt
        self._guidance = guidance
        self._coach = coach
        self._publish = publish

    @callback
    def async_start_test(self, what: str, person_id: str | None = None) -> None:
        """Start the daily check, one stance test or single-leg practice, optionally for someone."""
        # The frames that waited come first: the test starts after them, from the pad as it is.
        self._mqtt.release_frames()
        if not self._live.heard:
            raise self._error("pad_offline")
        if self._liveness.twins:
            raise self._error("twin_pads")
        if self._runs.running:
            raise self._error("test_running")
        person_id = person_id or self._live.selected_person_id
        practice = None
        if what == SINGLE_LEG_PRACTICE:
            # Towards the person's goal; practice is never a session, never a trend.
            person_id = person_id or self._live.on_the_pad()
            if person_id is None:
                raise self._error("practice_needs_person")
            practice = self._coach.practice_goal(person_id)
        plan, kind = run_plan(self._entry.options, what, practice)
        self._guidance.check_started()
        self._runs.start(
            plan,
            self._live.geometry(),
            kind=kind,
            what=what,
            selected_person_id=person_id,
            practice=practice,
        )
        self._publish()

    @callback
    def async_cancel_test(self) -> None:
        """Cancel the running test; results so far are kept as an incomplete session."""
        if not self._runs.running:
            raise self._error("no_test_running")
        self._runs.stop("cancelled")
        self._publish()

    async def async_tare(self) -> None:
        """Ask the pad to zero its empty readings (the button is unavailable while offline).

        Refused while a test runs or someone stands on the pad: the pad zeroes whatever load
        is still for a second, so a tare then would take the person's weight as zero.
        """
        if self._runs.running:
            raise self._error("tare_during_test")
        if self._live.occupied:
            raise self._error("tare_while_occupied")
        await self._mqtt.async_tare()

    @callback
    def async_select_next_test(self, test: str) -> None:
        """Choose what *Start selected test* starts (`DAILY_CHECK` or a stance test)."""
        self._live.next_test = test
        self._publish()

    @callback
    def async_select_person(self, person_id: str | None) -> None:
        """Choose who the next test is for (None: identify by weight)."""
        self._live.selected_person_id = person_id
        self._publish()

    @callback
    def pad_button(self, press: ButtonPress) -> None:
        """Short press: start the daily check; long press: cancel, or "walk done" when idle."""
        try:
            if press.press == "short":
                self.async_start_test(DAILY_CHECK)
            elif self._runs.running:
                self.async_cancel_test()
            else:
                self._walk_done()
        except ServiceValidationError as err:
            LOGGER.info("Ignored a %s press on pad %s: %s", press.press, self._live.pad_id, err)

    @callback
    def send_cue(self, cue: Cue) -> None:
        """Send a cue without holding anything up (kept for later if the pad cannot hear it)."""
        self._entry.async_create_task(
            self._mqtt.hass, self._mqtt.async_cue(cue, pad_listening=self._live.heard), f"cue {cue}"
        )

    def _walk_done(self) -> None:
        """Log the retro walk of whoever is on the pad; cue pass once logged, fail if not."""
        person_id = self._live.on_the_pad()
        self._live.selected_person_id = None
        self._entry.async_create_task(
            self._mqtt.hass, self._async_walk_done(person_id), "log retro walk from the pad"
        )

    async def _async_walk_done(self, person_id: str | None) -> None:
        self.send_cue("pass" if await self._coach.async_walk_done_on_pad(person_id) else "fail")

    def _error(self, key: str) -> ServiceValidationError:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"pad_id": self._live.pad_id},
        )
