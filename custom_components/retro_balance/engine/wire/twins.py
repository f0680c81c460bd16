"""Two pads publishing under one pad id (a cloned configuration): weigh the evidence.

One pad never sends another payload under a seq it just used, never follows two streams of
frames at once, and reconnects a few times a day at most. Two pads under one id do all three: the
sequencer refuses the second pad's frames as `conflicting`, and with the same MQTT client id the
broker throws each pad off when the other connects, so the status flaps online/offline every
second or two. `TwinWatch` counts both kinds of evidence over a sliding window (a reconnection
counts when it follows the disconnection within `QUICK_RECONNECT_S`) and keeps the suspicion
until no evidence has come for a quiet while (or someone says it is resolved).
Times are seconds on any monotonic clock, as given.
"""

from __future__ import annotations

from collections import deque
from enum import StrEnum
from typing import Final

CONFLICTS_FOR_TWINS: Final = 3
"""Conflicting frames within `CONFLICT_WINDOW_S` that make two pads certain (a stray late frame
is one)."""
CONFLICT_WINDOW_S: Final = 60.0
RECONNECTS_FOR_TWINS: Final = 5
"""Quick reconnections within `RECONNECT_WINDOW_S` (two clients with one id: one every second or
two; a pad restarted by hand, or a flaky Wi-Fi: not five in 20 s)."""
RECONNECT_WINDOW_S: Final = 20.0
QUICK_RECONNECT_S: Final = 2.0
"""Back online this soon after going offline: the broker swapped two clients with one id (a
pad that restarts needs longer to boot and connect)."""
QUIET_BEFORE_CLEAR_S: Final = 600.0
"""How long without any evidence before the suspicion ends by itself."""


class TwinEvidence(StrEnum):
    """What points at a second pad."""

    CONFLICTING_FRAME = "conflicting_frame"
    RECONNECT = "reconnect"


_NEEDED: Final = {
    TwinEvidence.CONFLICTING_FRAME: (CONFLICTS_FOR_TWINS, CONFLICT_WINDOW_S),
    TwinEvidence.RECONNECT: (RECONNECTS_FOR_TWINS, RECONNECT_WINDOW_S),
}


class TwinWatch:
    """Whether two pads seem to publish under one id (see the module docstring)."""

    def __init__(self) -> None:
        """No evidence yet."""
        self._seen: dict[TwinEvidence, deque[float]] = {kind: deque() for kind in TwinEvidence}
        self._suspected = False
        self._last_evidence_s: float | None = None
        self._offline_since_s: float | None = None

    @property
    def last_evidence_s(self) -> float | None:
        """When the last evidence came (None before any)."""
        return self._last_evidence_s

    def note(self, evidence: TwinEvidence, now_s: float) -> bool:
        """Record one piece of evidence at `now_s`; return whether two pads are suspected."""
        self._last_evidence_s = now_s
        needed, window_s = _NEEDED[evidence]
        seen = self._seen[evidence]
        seen.append(now_s)
        while seen and now_s - seen[0] > window_s:
            seen.popleft()
        if len(seen) >= needed:
            self._suspected = True
        return self._suspected

    def status(self, online: bool, now_s: float) -> bool:
        """Follow the pad's status; return whether two pads are suspected.

        Coming back online within `QUICK_RECONNECT_S` of going offline is a reconnection.
        """
        if not online:
            self._offline_since_s = now_s
            return self._suspected
        since_s, self._offline_since_s = self._offline_since_s, None
        if since_s is not None and now_s - since_s <= QUICK_RECONNECT_S:
            return self.note(TwinEvidence.RECONNECT, now_s)
        return self._suspected

    def suspected(self, now_s: float) -> bool:
        """Whether two pads are suspected now (the suspicion ends after a quiet while)."""
        last = self._last_evidence_s
        if self._suspected and last is not None and now_s - last >= QUIET_BEFORE_CLEAR_S:
            self.clear()
        return self._suspected

    def clear(self) -> None:
        """Forget all evidence (the user says only one pad is left)."""
        for seen in self._seen.values():
            seen.clear()
        self._suspected = False
        self._last_evidence_s = None
