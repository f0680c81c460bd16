"""What the daily check needs from the detector of one trial, and from what makes one.

`StanceDetector` is both (its class makes one); a test can give the `CheckRunner` a factory of
its own to script what a trial does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy.typing as npt

from ..signal.cop import PadGeometry
from .stance_config import DetectorConfig
from .stance_result import StanceEvent, StancePhase, StanceResult, StanceTest


class TrialDetector(Protocol):
    """What the runner needs from a stance detector (`StanceDetector` is one)."""

    @property
    def phase(self) -> StancePhase:
        """Where the trial is."""

    @property
    def elapsed_s(self) -> float:
        """Hold time so far."""

    @property
    def result(self) -> StanceResult | None:
        """The result once finished."""

    def feed(
        self, cells_kg: npt.ArrayLike, t_first_s: float, rate_hz: float
    ) -> Sequence[StanceEvent]:
        """Take one frame; return what happened in it."""

    def cancel(self, time_s: float) -> StanceResult:
        """End the trial now."""

    def lose_signal(self) -> StanceResult:
        """End the trial because frames stopped."""


class DetectorFactory(Protocol):
    """Makes the detector of one trial (`StanceDetector` is one)."""

    def __call__(
        self,
        test: StanceTest,
        config: DetectorConfig,
        geometry: PadGeometry,
        *,
        requires_repositioning: bool = False,
    ) -> TrialDetector:
        """Make a detector for `test`; see `StanceDetector` for `requires_repositioning`."""
