"""One pad as it is now, from its parts: heard or not, its info, what is chosen, what it shows.

The coordinator decides what happens (tests start and end, snapshots are published); `PadLive`
keeps what the pad said about itself (online, info), what the user chose (the next test, the
person) and works out from the pad monitor, the liveness, the running test and the guidance
what the pad's entities show: its state, the live values, who is on it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util import dt as dt_util

from .const import DAILY_CHECK, DOMAIN, LOGGER, MODEL_ID_PAD
from .engine.clinical.people import Identification, identify_person
from .engine.detection.guidance import CheckProgress
from .engine.detection.pad_state import RATE_DECIMALS, PadMonitor, PadState, pad_state
from .engine.signal.cop import WII_BALANCE_BOARD, PadGeometry
from .engine.wire.messages import PadInfo
from .guidance import PadGuidance
from .issues import PadIssues
from .liveness import PadLiveness
from .pad_mqtt import PadMqtt
from .runs import PadRuns
from .sessions import PadSessions
from .snapshot import LivePad, shown_progress_s


def _rounded(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)


class PadLive:
    """What one pad says, what is chosen for it, and what its entities show."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        *,
        pad_id: str,
        sessions: PadSessions,
        mqtt: PadMqtt,
        runs: PadRuns,
        issues: PadIssues,
        liveness: PadLiveness,
        guidance: PadGuidance,
    ) -> None:
        """Nothing heard yet: offline, no info; the daily check next, nobody chosen."""
        self._hass = hass
        self._entry = entry
        self.pad_id = pad_id
        self._sessions = sessions
        self._mqtt = mqtt
        self._runs = runs
        self._issues = issues
        self._liveness = liveness
        self._guidance = guidance
        self.monitor = PadMonitor()
        self.online = False
        self.info: PadInfo | None = None
        self.next_test = DAILY_CHECK
        self.selected_person_id: str | None = None

    # --- what the pad says about itself -----------------------------------------------------

    def status(self, online: bool) -> bool:
        """Take the pad's status; whether it changed.

        Frame order starts over on offline → online (`protocol.md`), and a cue the pad missed
        is sent again.
        """
        if online == self.online:
            return False
        self.online = online
        LOGGER.info("Pad %s is %s", self.pad_id, "online" if online else "offline")
        if online:
            self._issues.pad_online()
            self._mqtt.reset_order()
            self._entry.async_create_task(
                self._hass, self._mqtt.async_send_pending_cue(), "send a missed cue"
            )
        else:
            self._issues.pad_offline()
        return True

    def broker(self, connected: bool) -> bool:
        """Follow the broker connection; whether the pad's being heard changed.

        Without the broker the pad cannot be heard; once back, frame order starts over and the
        pad's status comes again (retained, or from the pad), and with it a missed cue.
        """
        if not self._liveness.broker(connected):
            return False
        if connected:
            LOGGER.info("Pad %s: MQTT is connected again", self.pad_id)
            self._mqtt.reset_order()
        else:
            LOGGER.warning("Pad %s: MQTT is disconnected; the pad cannot be heard", self.pad_id)
            self.online = False
        return True

    def take_info(self, info: PadInfo) -> bool:
        """Take the pad's info; a new one means a restart, so frame order starts over."""
        self._issues.version_supported()
        if info == self.info:
            return False
        self.info = info
        self._mqtt.reset_order()
        registry = dr.async_get(self._hass)
        device = registry.async_get_device(identifiers={(DOMAIN, self._entry.entry_id)})
        if device is not None:
            registry.async_update_device(device.id, model=info.model, sw_version=info.firmware)
        return True

    def device_info(self, name: str) -> DeviceInfo:
        """Describe the pad's device (model and firmware once its info message arrived)."""
        info = self.info
        return DeviceInfo(
            identifiers={(DOMAIN, self._entry.entry_id)},
            name=name,
            manufacturer="Retro Balance",
            model=None if info is None else info.model,
            model_id=MODEL_ID_PAD,
            sw_version=None if info is None else info.firmware,
            serial_number=self.pad_id,
        )

    def geometry(self) -> PadGeometry:
        """Return the pad's size as its info gives it (a Wii Balance Board until then)."""
        if self.info is None:
            return WII_BALANCE_BOARD
        return PadGeometry(width_mm=self.info.width_mm, depth_mm=self.info.depth_mm)

    # --- what it shows ------------------------------------------------------------------------

    @property
    def heard(self) -> bool:
        """Whether the pad says it is online and the broker connection lets us hear it."""
        return self.online and self._liveness.broker_connected

    @property
    def occupied(self) -> bool:
        """Whether someone stands on the pad, by frames fresh enough to tell."""
        return self._liveness.fresh and self.monitor.occupied

    def _state(self, progress: CheckProgress | None) -> PadState:
        """Return the pad's state (offline, idle, occupied, waiting for a person, testing)."""
        return pad_state(
            online=self.heard,
            occupied=self.occupied,
            testing=self._runs.running,
            waiting_for_person=progress is not None and progress.waiting_for_person,
        )

    def shown_at_once(self, progress: CheckProgress | None) -> tuple[PadState, int | None]:
        """Return what is published as soon as it changes: the pad's state, the hold's step.

        `progress` is `progress()` now (worked out once per frame by the caller).
        """
        elapsed_s = self._runs.elapsed_s
        return self._state(progress), None if elapsed_s is None else shown_progress_s(elapsed_s)

    def progress(self) -> CheckProgress | None:
        """Return the running check's progress as the person on the pad sees it."""
        progress = self._runs.progress
        return None if progress is None else progress.on_pad(self.occupied)

    def guide(self, progress: CheckProgress | None) -> bool:
        """Let the guidance follow the check (`progress()` now) and the pad; whether it changed."""
        return self._guidance.update(progress, occupied=self.heard and self.occupied)

    def live_pad(self) -> LivePad:
        """Return the pad's part of the snapshot."""
        fresh = self._liveness.fresh
        monitor = self.monitor
        progress = self.progress()
        elapsed_s = self._runs.elapsed_s
        return LivePad(
            pad_id=self.pad_id,
            online=self.heard,
            broker_connected=self._liveness.broker_connected,
            state=self._state(progress),
            info=self.info,
            weight_kg=monitor.shown_weight_kg if fresh else None,
            occupied=monitor.occupied if fresh else False,
            recognised=self._recognised() if fresh else None,
            measured_rate_hz=_rounded(monitor.measured_rate_hz, RATE_DECIMALS) if fresh else None,
            testing=self._runs.running,
            current_test=self._runs.current_test,
            # The hold as shown (whole steps): a snapshot differs only when what it shows does.
            elapsed_s=None if elapsed_s is None else float(shown_progress_s(elapsed_s)),
            progress=None
            if progress is None
            else replace(progress, elapsed_s=float(shown_progress_s(progress.elapsed_s))),
            instruction=self._guidance.instruction,
            result=self._guidance.result,
            next_test=self.next_test,
            selected_person_id=self.selected_person_id,
            dropped_frames=self._mqtt.frame_counters.dropped,
            malformed=self._mqtt.malformed,
            calibration_issue=monitor.calibration_issue,
            twin_pads=self._liveness.twins,
        )

    def on_the_pad(self) -> str | None:
        """Who stands on the pad now: the chosen person, the only one, or by weight."""
        weight_kg = self.monitor.weight_kg if self.monitor.occupied else None
        return identify_person(
            weight_kg,
            list(self._sessions.people.values()),
            selected_person_id=self.selected_person_id,
            on_date=dt_util.now().date(),
        ).person_id

    def _recognised(self) -> Identification | None:
        # By the weight shown, which holds still while someone stands still (so does the reason).
        if not (self.online and self.monitor.occupied):
            return None
        return identify_person(
            self.monitor.shown_weight_kg,
            list(self._sessions.people.values()),
            selected_person_id=None,
            on_date=dt_util.now().date(),
        )
