"""The pad-link pipeline (parse → sequencer → pad monitor → check runner) over damaged streams."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import CheckRunner
from custom_components.retro_balance.engine.detection.pad_state import PadMonitor
from custom_components.retro_balance.engine.wire import messages, protocol, sequencing

from .harness import Stats, Target
from .parsers import REASONS, parse_or_reason
from .recordings import SCENARIO_TESTS, Recording, mutate, recordings
from .session import check_events, value_error_reason


class PadLinkModel:
    """The frame path of the integration's `PadLink`, with its counters, minus Home Assistant."""

    def __init__(self, plan: CheckPlan) -> None:
        """A pad link with no frame yet; a check runs from the start."""
        self.plan = plan
        self.messages = 0
        self.accepted = 0
        self.malformed: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.engine_errors: Counter[str] = Counter()
        self.sequencer = sequencing.FrameSequencer()
        self.monitor = PadMonitor()
        self.last_time_s = 0.0
        self.runner: CheckRunner | None = None
        self.seen: Counter[str] = Counter()
        self.start()

    def start(self) -> None:
        """Start a check (the button's short press) unless one runs."""
        if self.runner is None:
            self.runner, self.seen = CheckRunner(self.plan), Counter()

    def stop(self, how: str) -> None:
        """Cancel the check or lose the signal, as the service or the watchdog does."""
        runner = self.runner
        if runner is None:
            return  # the integration refuses: no test running
        events = (runner.cancel if how == "cancel" else runner.lose_signal)(self.last_time_s)
        check_events(runner, events, self.seen)
        assert runner.finished, f"{how} left the check running"
        self.runner = None

    def on_frame(self, payload: bytes | str) -> None:
        """`PadLink._on_frame`: parse, sequence, monitor, feed the check."""
        self.messages += 1
        try:
            frame = protocol.parse_frame(payload)
        except messages.ProtocolError as err:
            self._malformed(err)
            return
        check = self.sequencer.check(frame)
        if not check.accepted:
            self.rejected[check.verdict.value] += 1
            return
        self.accepted += 1
        self.last_time_s = check.t_first_s + frame.duration_s
        self.monitor.feed(frame)
        weight, rate = self.monitor.weight_kg, self.monitor.measured_rate_hz
        assert weight is None or math.isfinite(weight), weight
        assert rate is None or (math.isfinite(rate) and rate > 0), rate
        runner = self.runner
        if runner is None:
            return
        try:
            events = runner.feed(frame.cells_kg, check.t_first_s, frame.rate_hz)
        except ValueError as err:
            self._engine_error(err)
            return
        check_events(runner, events, self.seen)
        if runner.finished:
            self.runner = None

    def _malformed(self, err: messages.ProtocolError) -> None:
        assert err.reason in REASONS, err
        self.malformed[err.reason] += 1

    def _engine_error(self, err: ValueError) -> None:
        # A parsed frame can only be refused for its time (a reboot, overlapping frames); the
        # integration then ends the check, as for any engine error.
        assert value_error_reason(err) == "time_order", f"parsed frame refused: {err}"
        self.engine_errors["time_order"] += 1
        self.stop("cancel")

    def check_counts(self) -> None:
        """Every message accepted or counted once; the sequencer agrees."""
        counters = self.sequencer.counters
        assert self.messages == self.accepted + self.malformed.total() + self.rejected.total()
        assert counters.received == self.accepted + self.rejected.total()
        assert counters.accepted == self.accepted
        for verdict in ("duplicate", "out_of_order", "late"):
            assert getattr(counters, verdict) == self.rejected[verdict], verdict


def play(model: PadLinkModel, messages: Sequence[tuple[str, bytes | str]], stats: Stats) -> None:
    """Deliver messages to the model as the integration would, checking after each."""
    for kind, payload in messages:
        stats.tried += 1
        if kind == "frames":
            before = model.accepted
            model.on_frame(payload)
            stats.accepted += model.accepted - before
        elif kind in ("cancel", "lose_signal"):
            model.stop(kind)
            stats.outcomes[kind] += 1
        elif kind == "press_short":
            model.start()
        elif kind == "info":
            model.sequencer.reset()  # a changed info message resets the sequencer
        else:
            reason = parse_or_reason(kind, payload)
            assert reason is None or reason in REASONS
        model.check_counts()


def pipeline_target(*, long_lived: bool = False) -> Target:
    """Fuzz the pad-link pipeline; `long_lived`: one model for every example, as a pad link
    lives for days (a new check starts with each example once the last one has ended)."""
    shared = PadLinkModel(CheckPlan(cap_s=10.0)) if long_lived else None

    def check(recording: Recording, stats: Stats) -> None:
        if shared is None:
            test = SCENARIO_TESTS.get(recording.scenario)
            plan = CheckPlan(cap_s=10.0) if test is None else CheckPlan(tests=(test,), cap_s=10.0)
            model = PadLinkModel(plan)
        else:
            model = shared
            model.start()
        before = (model.malformed.copy(), model.rejected.copy(), model.engine_errors.copy())
        play(model, mutate(recording), stats)
        for name, now, then in zip(
            ("malformed", "sequencer", "engine"),
            (model.malformed, model.rejected, model.engine_errors),
            before,
            strict=True,
        ):
            for reason, count in (now - then).items():
                stats.rejected[f"{name}:{reason}"] += count
        stats.outcomes.update({key: n for key, n in model.seen.items() if key.startswith("end:")})

    return Target("pipeline", recordings, check)
