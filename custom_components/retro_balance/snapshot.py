"""What a pad's coordinator publishes: an immutable snapshot that every entity reads.

The snapshot has a live part (`LivePad`, rebuilt at most once a second while frames stream, and at
once when the pad's state changes) and a part per person (`PersonSessions`, rebuilt only when a
session is stored, assigned, imported or deleted, when a new day begins, which moves the trends
on, and when their coach changes). A new snapshot reuses the parts that did not change, so an
entity can tell by identity that its part is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from .check_summary import GuidanceResult
from .coach_view import PersonCoach
from .const import PROGRESS_STEP_S
from .engine.clinical.people import Identification, PersonProfile
from .engine.clinical.session import SessionRecord
from .engine.detection.guidance import CheckProgress, Instruction
from .engine.detection.pad_state import CalibrationIssue, PadState
from .engine.detection.stance_result import StanceTest
from .engine.trends.results import PersonTrend
from .engine.wire.messages import PadInfo


def shown_progress_s(elapsed_s: float) -> int:
    """Return a hold as the progress sensors show it: whole steps of `PROGRESS_STEP_S`."""
    return int(elapsed_s // PROGRESS_STEP_S) * PROGRESS_STEP_S


@dataclass(frozen=True, kw_only=True)
class LivePad:
    """The pad as it is now."""

    pad_id: str
    online: bool
    """The pad says it is online and the MQTT broker connection lets us hear it."""
    broker_connected: bool
    """Whether Home Assistant is connected to the MQTT broker (else nothing can be heard)."""
    state: PadState
    info: PadInfo | None
    """The pad's retained info message (model, firmware, rate, size), None until it arrived."""
    weight_kg: float | None
    """Median total load over the last second, to 0.1 kg (moves only by whole steps of it); None
    once frames stopped for a few seconds."""
    occupied: bool
    """Whether someone stands on the pad (the pad monitor's occupancy)."""
    recognised: Identification | None
    """Who the pad recognises by the weight on it now (None: nobody on the online pad)."""
    measured_rate_hz: float | None
    """Samples received per second, to `RATE_DECIMALS` (None once frames stopped)."""
    testing: bool
    """Whether a test or daily check is running."""
    current_test: StanceTest | None
    """The stance test running now (None between tests and when nothing runs)."""
    elapsed_s: float | None
    """Seconds held so far in the running test, in the whole steps shown (`PROGRESS_STEP_S`);
    None when no test runs."""
    progress: CheckProgress | None = None
    """Where the running check is: test and trial of how many, the hold (in the steps shown)
    against its target."""
    instruction: Instruction = Instruction.NONE
    """What the person on the pad should do now."""
    result: GuidanceResult | None = None
    """The latest result: the last trial's during a check, then the stored check's summary."""
    next_test: str
    """What *Start selected test* starts: `DAILY_CHECK` or a stance test's value."""
    selected_person_id: str | None
    """Who the next test is for (None: identify by weight)."""
    dropped_frames: int
    """Frames refused by the sequencer (duplicate, out of order, late, conflicting) or lost on
    the way. The sequencer's counters move with every frame; they are `PadMqtt.frame_counters`."""
    malformed: Mapping[str, int]
    """Messages the parser refused, by reason."""
    calibration_issue: CalibrationIssue | None
    twin_pads: bool
    """Whether two pads seem to publish under this pad's id (tests are refused)."""

    @property
    def occupant_weight_kg(self) -> float | None:
        """The weight of whoever stands on the online pad now (None: nobody, or offline)."""
        return self.weight_kg if self.online and self.occupied else None

    @property
    def progress_s(self) -> int | None:
        """Seconds held so far in whole steps of `PROGRESS_STEP_S` (None when no test runs)."""
        return None if self.elapsed_s is None else shown_progress_s(self.elapsed_s)

    @property
    def malformed_frames(self) -> int:
        """Messages refused by the parser."""
        return sum(self.malformed.values())


@dataclass(frozen=True, kw_only=True)
class PersonSessions:
    """One person and their stored sessions, oldest first."""

    profile: PersonProfile
    sessions: tuple[SessionRecord, ...]
    trend: PersonTrend | None = None
    """Every measure's trend as of the day it was computed (`person_trend.py`); None when it
    could not be computed."""
    programme_start: date | None = None
    """The day the person started the retro-walking programme (the coach's `started_on`); None:
    not started."""
    coach: PersonCoach | None = None
    """The person's retro-walking coach as entities show it."""

    def newest(self, value_fn: Callable[[SessionRecord], object]) -> SessionRecord | None:
        """Return the newest session for which `value_fn` gives a value (not None)."""
        for record in reversed(self.sessions):
            if value_fn(record) is not None:
                return record
        return None


@dataclass(frozen=True, kw_only=True)
class PadSnapshot:
    """Everything the pad's entities show."""

    pad: LivePad
    people: Mapping[str, PersonSessions]
    """Every person of the pad, by subentry id."""
