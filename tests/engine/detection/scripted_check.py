"""A scripted stand-in for the stance detector and a harness that runs the daily-check runner on it.

Each trial's outcome is chosen by the test (a `Script`: when the hold starts, when and how it
ends), so the runner's rules (order, retries, cues, cancel, lost signal) are tested without a body
on a pad.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import CheckEvent, CheckRunner
from custom_components.retro_balance.engine.detection.stance_config import DetectorConfig
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceEvent,
    StanceEventKind,
    StancePhase,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD, PadGeometry

QUIET = StanceTest.QUIET_EYES_CLOSED
TANDEM = StanceTest.TANDEM
LEFT = StanceTest.SINGLE_LEG_LEFT
RIGHT = StanceTest.SINGLE_LEG_RIGHT
FRAME = np.full((10, 4), 17.5)
RATE_HZ = 80.0


def make_result(
    test: StanceTest,
    end_reason: EndReason,
    hold_s: float,
    *,
    cap_s: float = 30.0,
    started_at_s: float = 0.0,
    quality: frozenset[QualityFlag] = frozenset(),
    body_mass_kg: float = 70.0,
) -> StanceResult:
    return StanceResult(
        test=test,
        hold_time_s=hold_s,
        cap_s=cap_s,
        end_reason=end_reason,
        started_at_s=started_at_s,
        body_mass_kg=body_mass_kg,
        sway=None,
        quality=quality,
    )


@dataclass
class Script:
    """What one scripted trial does: hold from its `start_at` feed, end at its `end_at` feed."""

    end_reason: EndReason
    hold_s: float = 5.0
    start_at: int | None = 2
    end_at: int = 4
    nobody: bool = False
    report_start: bool = True
    quality: frozenset[QualityFlag] = frozenset()


class ScriptedDetector:
    """Stands in for StanceDetector; plays one Script per trial, in creation order."""

    def __init__(
        self,
        test: StanceTest,
        config: DetectorConfig,
        geometry: PadGeometry,
        script: Script,
        *,
        requires_repositioning: bool = False,
    ) -> None:
        self.test = test
        self.requires_repositioning = requires_repositioning
        self.config = config
        self.geometry = geometry
        self.script = script
        self.feeds = 0
        self.phase = StancePhase.WAITING_FOR_PERSON
        self.result: StanceResult | None = None
        self.start_s: float | None = None
        self.last_s = 0.0

    @property
    def elapsed_s(self) -> float:
        if self.result is not None:
            return self.result.hold_time_s
        return 0.0 if self.start_s is None else self.last_s - self.start_s

    def feed(self, cells_kg: npt.ArrayLike, t_first_s: float, rate_hz: float) -> list[StanceEvent]:
        if self.result is not None:
            return []
        self.feeds += 1
        self.last_s = t_first_s
        events = []
        if not self.script.nobody and self.phase is StancePhase.WAITING_FOR_PERSON:
            self.phase = StancePhase.SETTLING
        if self.feeds == self.script.start_at:
            self.phase = StancePhase.HOLDING
            self.start_s = t_first_s
            if self.script.report_start:
                events.append(StanceEvent(kind=StanceEventKind.STARTED, time_s=t_first_s))
        if self.feeds == self.script.end_at:
            self._finish(self.script.end_reason, t_first_s)
        return events

    def _finish(self, reason: EndReason, time_s: float) -> StanceResult:
        started = self.start_s is not None
        self.result = make_result(
            self.test,
            reason,
            self.script.hold_s if started else 0.0,
            cap_s=self.config.cap_s,
            started_at_s=self.start_s if self.start_s is not None else time_s,
            quality=self.script.quality,
            body_mass_kg=0.0 if self.script.nobody else 70.0,
        )
        self.phase = StancePhase.FINISHED
        return self.result

    def cancel(self, time_s: float) -> StanceResult:
        return self.result or self._finish(EndReason.CANCELLED, time_s)

    def lose_signal(self) -> StanceResult:
        return self.result or self._finish(EndReason.SIGNAL_LOST, self.last_s)


class Harness:
    def __init__(self, scripts: list[Script], plan: CheckPlan | None = None, **kw: Any) -> None:
        self.scripts = deque(scripts)
        self.detectors: list[ScriptedDetector] = []
        self.runner = CheckRunner(
            plan or CheckPlan(), WII_BALANCE_BOARD, detector_factory=self.factory, **kw
        )
        self.time_s = 0.0
        self.events: list[CheckEvent] = []

    def factory(
        self,
        test: StanceTest,
        config: DetectorConfig,
        geometry: PadGeometry,
        *,
        requires_repositioning: bool = False,
    ) -> ScriptedDetector:
        detector = ScriptedDetector(
            test,
            config,
            geometry,
            self.scripts.popleft(),
            requires_repositioning=requires_repositioning,
        )
        self.detectors.append(detector)
        return detector

    def feed(self, frames: int = 1) -> list[CheckEvent]:
        new: list[CheckEvent] = []
        for _ in range(frames):
            new += self.runner.feed(FRAME, self.time_s, RATE_HZ)
            self.time_s += 0.125
        self.events += new
        return new

    def run(self, max_frames: int = 200) -> list[CheckEvent]:
        for _ in range(max_frames):
            if self.runner.finished:
                break
            self.feed()
        assert self.runner.finished
        return self.events

    def steps(self) -> list[tuple[str, str | None, int]]:
        return [
            (str(e.kind), None if e.test is None else str(e.test), e.trial) for e in self.events
        ]


def cap(**kw: Any) -> Script:
    return Script(EndReason.CAP, hold_s=30.0, **kw)
