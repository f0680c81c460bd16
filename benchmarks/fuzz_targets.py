"""Fuzz targets: the pad protocol's parsers and topics, and the session state machine.

Shared by ``benchmarks/fuzz.py`` (the long run, 100,000+ inputs) and ``tests/pad/test_fuzz.py``
(a few thousand, in seconds). A target is a hypothesis strategy of inputs and a check that feeds
one input to the engine and asserts the properties:

- the only exception a parser raises is ``ProtocolError``, with a reason code documented in
  ``docs/protocol.md`` ("Receiver: malformed messages") and a message;
- an accepted message survives a round trip through its encoder;
- the session state machine (``CheckRunner`` over ``StanceDetector``) raises only its documented
  ``ValueError`` for a bad frame, and such a frame changes nothing; results stay within their
  limits and survive the JSON round trip of storage;
- in the pad-link pipeline (parse → ``FrameSequencer`` → ``PadMonitor`` → ``CheckRunner``, the
  integration's ``pad_mqtt`` → ``coordinator`` → ``runs``), every message is either accepted or
  counted once by reason, and the sequencer's counters agree.

Every engine name used by the fuzzing is imported here and nowhere else (the wire and detection
modules are being split; only public names are used).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from custom_components.retro_balance.engine.arrays import FloatArray
from custom_components.retro_balance.engine.detection.check_plan import CheckPlan
from custom_components.retro_balance.engine.detection.daily_check import (
    CheckEvent,
    CheckEventKind,
    CheckRunner,
)
from custom_components.retro_balance.engine.detection.pad_state import PadMonitor
from custom_components.retro_balance.engine.detection.stance_result import StanceResult, StanceTest
from custom_components.retro_balance.engine.wire import messages, protocol, sequencing, topics
from pad_simulator.scenarios import generate

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL_DOC = ROOT / "docs" / "protocol.md"
JSON_KINDS = ("frames", "info", "button", "cmd")


def documented_reasons() -> frozenset[str]:
    """The reason codes of the table in docs/protocol.md, "Receiver: malformed messages"."""
    text = PROTOCOL_DOC.read_text(encoding="utf-8")
    section = text.split("## Receiver: malformed messages", 1)[1].split("\n## ", 1)[0]
    return frozenset(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


REASONS = documented_reasons()


@dataclass
class Stats:
    """What one target saw: inputs tried, accepted, rejected by reason, and notable outcomes."""

    tried: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Target:
    """A strategy of inputs and the check of one input."""

    name: str
    inputs: st.SearchStrategy[Any]
    check: Callable[[Any, Stats], None]


def run(
    target: Target,
    stats: Stats,
    *,
    examples: int,
    seed: int | None = None,
    check: Callable[[Any, Stats], None] | None = None,
) -> None:
    """Run `target` on `examples` generated inputs; a failure is shrunk and raised."""
    check_one = check or target.check

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(target.inputs)
    def holds(value: Any) -> None:
        check_one(value, stats)

    (holds if seed is None else hypothesis_seed(seed)(holds))()


# --- payloads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A JSON token written verbatim (NaN, 1e400, a 5000-digit integer, ...)."""

    token: str


RAW_TOKENS = (
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "1.0",
    "1E2",
    "1" * 4301,
    "-" + "9" * 5000,
    '"\\ud800"',
    '"\\u0000"',
    "[" * 3000 + "]" * 3000,
)


def to_json(value: Any) -> str:
    """Write `value` as JSON text, `Raw` tokens verbatim and non-finite floats as NaN/Infinity."""
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    return json.dumps(value)


odd_values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(),
    st.text(st.characters(exclude_categories=()), max_size=80),
    st.lists(st.integers(min_value=-3, max_value=3), max_size=5),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(RAW_TOKENS).map(Raw),
)

loads_kg = st.one_of(
    st.floats(-messages.MAX_ABS_LOAD_KG, messages.MAX_ABS_LOAD_KG),
    st.integers(-500, 500),
    st.none(),
)
rates_hz = st.one_of(st.floats(1.0, 1000.0), st.integers(1, 1000), st.sampled_from([80, 1, 1000]))
u32 = st.integers(0, 2**32 - 1)

valid_frames = st.fixed_dictionaries(
    {
        "v": st.just(1),
        "seq": u32,
        "t_ms": u32,
        "rate_hz": rates_hz,
        "cells": st.lists(st.lists(loads_kg, min_size=4, max_size=4), min_size=1, max_size=50),
    }
)
texts = st.text(st.characters(exclude_categories=()), min_size=1, max_size=64)
valid_infos = st.fixed_dictionaries(
    {
        "v": st.just(1),
        "model": texts,
        "fw": texts,
        "rate_hz": rates_hz,
        "width_mm": st.floats(1.0, messages.MAX_PAD_SIZE_MM),
        "depth_mm": st.one_of(st.floats(1.0, messages.MAX_PAD_SIZE_MM), st.integers(1, 5000)),
        "cells": st.just(["tl", "tr", "bl", "br"]),
        "unit": st.just("kg"),
    }
)
valid_buttons = st.fixed_dictionaries(
    {"v": st.just(1), "press": st.sampled_from(["short", "long"])}
)
valid_commands = st.one_of(
    st.fixed_dictionaries({"cmd": st.just("tare")}, optional={"v": st.just(1)}),
    st.fixed_dictionaries(
        {"cmd": st.just("cue"), "cue": st.sampled_from(["start", "stop", "pass", "fail"])},
        optional={"v": st.just(1)},
    ),
)
VALID_MESSAGES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "frames": valid_frames,
    "info": valid_infos,
    "button": valid_buttons,
    "cmd": valid_commands,
}


@st.composite
def mutated(draw: st.DrawFn, message: dict[str, Any]) -> dict[str, Any]:
    """Up to three changes to a valid message: a field dropped, made odd, added, or bad cells."""
    data = dict(message)
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["drop", "odd", "extra", "version", "cells", "cells"]))
        keys = sorted(data)
        if action == "drop" and keys:
            del data[draw(st.sampled_from(keys))]
        elif action == "odd" and keys:
            data[draw(st.sampled_from(keys))] = draw(odd_values)
        elif action == "extra":
            data[draw(st.text(max_size=8))] = draw(odd_values)
        elif action == "version":
            data["v"] = draw(st.one_of(st.integers(), odd_values))
        elif action == "cells" and isinstance(data.get("cells"), list) and data["cells"]:
            cells = [
                list(sample) if isinstance(sample, list) else sample for sample in data["cells"]
            ]
            index = draw(st.integers(0, len(cells) - 1))
            change = draw(st.sampled_from(["load", "sample", "many", "none"]))
            if change == "load" and isinstance(cells[index], list) and cells[index]:
                cells[index][draw(st.integers(0, len(cells[index]) - 1))] = draw(odd_values)
            elif change == "sample":
                cells[index] = draw(st.one_of(odd_values, st.lists(loads_kg, max_size=6)))
            elif change == "many":
                cells = cells[:1] * (messages.MAX_SAMPLES_PER_FRAME + 1)
            else:
                cells = []
            data["cells"] = cells
    return data


@st.composite
def on_the_wire(draw: st.DrawFn, text: str) -> bytes | str:
    """The message text as a receiver may get it: maybe damaged, as bytes or as str."""
    data = bytearray(text.encode("utf-8", "surrogatepass"))
    action = draw(st.sampled_from(["keep", "keep", "truncate", "flip", "insert", "pad", "bom"]))
    if action == "truncate" and data:
        del data[draw(st.integers(0, len(data) - 1)) :]
    elif action == "flip" and data:
        data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
    elif action == "insert":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=8))
    elif action == "pad":  # whitespace is valid JSON: only the size is wrong
        data += b" " * (messages.MAX_FRAME_BYTES + 1 - len(data) + draw(st.integers(-2, 2)))
    elif action == "bom":
        data[:0] = b"\xef\xbb\xbf"
    if draw(st.booleans()):
        return bytes(data)
    return bytes(data).decode("utf-8", "surrogateescape")  # lone surrogates for bad bytes


def _with_samples(count: int, frame: dict[str, Any]) -> str:
    """A frame message whose first sample is repeated `count` times."""
    return to_json({**frame, "cells": frame["cells"][:1] * count})


def payloads(kind: str) -> st.SearchStrategy[bytes | str]:
    """Payloads for a topic kind: valid, mutated, damaged, arbitrary bytes and text."""
    arbitrary: st.SearchStrategy[bytes | str] = st.one_of(
        st.binary(max_size=200),
        st.text(st.characters(exclude_categories=()), max_size=100),
        st.tuples(st.binary(min_size=1, max_size=4), st.integers(-2, 2)).map(
            lambda pair: pair[0] * ((messages.MAX_FRAME_BYTES + pair[1]) // len(pair[0]) + 1)
        ),
    )
    if kind == "status":
        statuses = st.sampled_from(["online", "offline", " online\n", "ONLINE", "", "on"])
        return st.one_of(arbitrary, statuses.flatmap(on_the_wire))
    valid = VALID_MESSAGES[kind]
    any_json = st.recursive(
        st.one_of(odd_values, st.floats()), lambda inner: st.lists(inner, max_size=4), max_leaves=8
    )
    texts_of = st.one_of(
        valid.map(to_json),
        valid.flatmap(mutated).map(to_json),
        any_json.map(to_json),
    )
    if kind == "frames":  # the sample count limits, which random mutation seldom reaches
        for count in (0, messages.MAX_SAMPLES_PER_FRAME + 1):
            texts_of |= valid.map(functools.partial(_with_samples, count))
    return st.one_of(arbitrary, texts_of.flatmap(on_the_wire))


# --- parser targets -------------------------------------------------------------------------


def _rejected(err: messages.ProtocolError, stats: Stats) -> None:
    assert err.reason in REASONS, f"undocumented reason {err.reason!r}: {err}"
    assert err.message, "a ProtocolError without a message"
    stats.rejected[err.reason] += 1


def _frame_round_trip(frame: messages.Frame) -> None:
    cells = frame.cells_kg
    assert cells.ndim == 2
    assert cells.shape[1] == 4
    assert 1 <= cells.shape[0] <= messages.MAX_SAMPLES_PER_FRAME
    assert not cells.flags.writeable
    finite = cells[~np.isnan(cells)]
    assert np.all(np.abs(finite) <= messages.MAX_ABS_LOAD_KG)
    # Exact (shortest float) encoding: everything comes back but rate_hz, written with 2 decimals.
    exact = protocol.parse_frame(protocol.encode_frame(frame, decimals=None))
    rate_on_wire = float(protocol.format_number(frame.rate_hz, 2))
    assert exact == replace(frame, rate_hz=rate_on_wire), "frame changed in an exact round trip"
    # The firmware's encoding (1 g): within half a gram, and encoding again gives the same bytes.
    encoded = protocol.encode_frame(frame)
    again = protocol.parse_frame(encoded)
    assert np.array_equal(np.isnan(again.cells_kg), np.isnan(cells))
    assert np.nanmax(np.abs(again.cells_kg - cells), initial=0.0) <= 0.0005 + 1e-9
    assert protocol.encode_frame(again) == encoded, "the firmware encoding is not stable"


def _info_round_trip(info: messages.PadInfo) -> None:
    once = protocol.parse_info(protocol.encode_info(info))
    assert (once.model, once.firmware) == (info.model, info.firmware)
    assert abs(once.rate_hz - info.rate_hz) <= 0.005 + 1e-9
    assert abs(once.width_mm - info.width_mm) <= 0.05 + 1e-9
    assert abs(once.depth_mm - info.depth_mm) <= 0.05 + 1e-9
    assert protocol.parse_info(protocol.encode_info(once)) == once, "info encoding is not stable"


def _button_round_trip(press: messages.ButtonPress) -> None:
    assert protocol.parse_button(protocol.encode_button(press.press)) == press


def _command_round_trip(command: messages.Command) -> None:
    assert protocol.parse_command(protocol.encode_command(command)) == command


def _status_round_trip(online: bool) -> None:
    assert protocol.parse_status(protocol.encode_status(online)) is online


PARSERS: dict[str, Callable[[bytes | str], Any]] = {
    "frames": protocol.parse_frame,
    "info": protocol.parse_info,
    "button": protocol.parse_button,
    "cmd": protocol.parse_command,
    "status": protocol.parse_status,
}
ROUND_TRIPS: dict[str, Callable[[Any], None]] = {
    "frames": _frame_round_trip,
    "info": _info_round_trip,
    "button": _button_round_trip,
    "cmd": _command_round_trip,
    "status": _status_round_trip,
}


def parse_or_reason(kind: str, payload: bytes | str) -> str | None:
    """None if the `kind` parser accepts `payload`, else the ProtocolError's reason."""
    try:
        PARSERS[kind](payload)
    except messages.ProtocolError as err:
        return err.reason
    return None


def parser_target(kind: str) -> Target:
    """Fuzz the parser of one topic kind."""
    parse, round_trip = PARSERS[kind], ROUND_TRIPS[kind]

    def check(payload: bytes | str, stats: Stats) -> None:
        stats.tried += 1
        try:
            message = parse(payload)
        except messages.ProtocolError as err:
            _rejected(err, stats)
            return
        stats.accepted += 1
        round_trip(message)

    return Target(kind, payloads(kind), check)


# --- topics ---------------------------------------------------------------------------------

pad_ids = st.one_of(
    st.from_regex(topics.PAD_ID_PATTERN, fullmatch=True),
    st.sampled_from(["", "+", "#", "Hall", "a" * 33, "a/b", "a b", "pad\x00", "é"]),
)
prefixes = st.one_of(
    st.sampled_from([topics.DEFAULT_PREFIX, "home/balance", "a"]),
    st.text(alphabet="ab/+# \x00é", max_size=8),
)
kinds = st.one_of(st.sampled_from([kind.value for kind in topics.TopicKind]), st.text(max_size=8))


@st.composite
def topic_inputs(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(prefix, a topic name to parse under it, a pad id and a kind to build a topic from)."""
    prefix, pad_id, kind = draw(prefixes), draw(pad_ids), draw(kinds)
    name = draw(
        st.one_of(
            st.tuples(st.just(prefix), pad_ids, kinds).map("/".join),
            st.tuples(st.just(prefix), pad_ids, kinds, st.text(max_size=5)).map("/".join),
            st.tuples(prefixes, pad_ids, kinds).map("/".join),
            st.text(st.characters(exclude_categories=()), max_size=60),
        )
    )
    return prefix, name, pad_id, kind


def _check_topics(value: tuple[str, str, str, str], stats: Stats) -> None:
    prefix, name, pad_id, kind = value
    stats.tried += 1
    parsed = topics.parse_topic(name, prefix)
    try:
        built = topics.topic(prefix, pad_id, kind)
    except ValueError:
        stats.outcomes["topic() refused its arguments"] += 1
    else:
        assert pad_id == "+" or topics.parse_topic(built, prefix) == (
            pad_id,
            topics.TopicKind(kind),
        )
    if parsed is None:
        stats.rejected["not_a_pad_topic"] += 1
        return
    stats.accepted += 1
    assert topics.is_valid_pad_id(parsed[0])
    assert f"{prefix}/{parsed[0]}/{parsed[1].value}" == name


TOPICS = Target("topics", topic_inputs(), _check_topics)


# --- the session state machine, fed frames directly -----------------------------------------

HALF_WIDTH_CM = 43.3 / 2
HALF_DEPTH_CM = 23.8 / 2
POSTURES = {  # segment kind → (fraction of body mass, ML cm, AP cm)
    "empty": (0.0, 0.0, 0.0),
    "both_feet": (1.0, 0.0, 0.0),
    "left_foot": (1.0, -9.0, 0.5),
    "right_foot": (1.0, 9.0, 0.5),
    "tandem": (1.0, 0.5, 2.0),
    "grab": (0.6, 0.0, 0.0),
}
# Mostly a person on a working pad (so that tests start, hold and end), often something odd.
SEGMENTS = (*POSTURES, "both_feet", "both_feet", "missing", "spike", "garbage", "wrong_shape")
GAPS_S = (0.0,) * 8 + (0.004, 0.3, 1.5, 30.0, 1e6, -0.005, -2.0, -1e6, math.nan, math.inf)
RATES_HZ = (80.0,) * 8 + (1.0, 1000.0, 1e6, 1e-6, 0.0, -80.0, math.nan, math.inf)


@dataclass(frozen=True)
class Segment:
    """`frames` frames of `samples` samples in one posture (or garbage), after a gap."""

    kind: str
    frames: int
    samples: int
    rate_hz: float
    gap_s: float
    seed: int


@dataclass(frozen=True)
class Stop:
    """A cancel (the button, a service call) or the watchdog's lost signal, `after_s` late."""

    how: str
    after_s: float


@dataclass(frozen=True)
class Session:
    """A check plan, a person and what happens on the pad."""

    plan: CheckPlan
    body_mass_kg: float
    sway_cm: float
    steps: tuple[Segment | Stop, ...]


segments = st.builds(
    Segment,
    kind=st.sampled_from(SEGMENTS),
    frames=st.integers(1, 40),
    samples=st.sampled_from([10, 10, 10, 1, 2, 50]),
    rate_hz=st.sampled_from(RATES_HZ),
    gap_s=st.sampled_from(GAPS_S),
    seed=st.integers(0, 2**32 - 1),
)
stops = st.builds(
    Stop,
    how=st.sampled_from(["cancel", "cancel", "lose_signal"]),
    after_s=st.sampled_from([0.0, 0.5, -3.0, 1e6, math.nan, math.inf]),
)
plans = st.builds(
    CheckPlan,
    tests=st.lists(st.sampled_from(list(StanceTest)), min_size=1, max_size=4, unique=True).map(
        tuple
    ),
    trials=st.integers(1, 3),
    cap_s=st.sampled_from([10.0, 10.0, 30.0, 60.0]),
    wait_timeout_s=st.sampled_from([None, 1.0, 5.0]),
)
sessions = st.builds(
    Session,
    plan=plans,
    body_mass_kg=st.sampled_from([70.0, 70.0, 15.0, 25.0, 140.0]),
    sway_cm=st.sampled_from([0.05, 0.3, 2.0]),
    steps=st.lists(st.one_of(segments, segments, segments, stops), max_size=14).map(tuple),
)


def corner_loads(total_kg: Any, ml_cm: Any, ap_cm: Any) -> FloatArray:
    """Corner loads (n, 4) that put the COP at (ml, ap) on a Wii-sized pad (cop.py inverted)."""
    x = np.clip(np.asarray(ml_cm) / HALF_WIDTH_CM, -1.0, 1.0)
    y = np.clip(np.asarray(ap_cm) / HALF_DEPTH_CM, -1.0, 1.0)
    left, right, top, bottom = (1 - x) / 2, (1 + x) / 2, (1 + y) / 2, (1 - y) / 2
    corners = np.column_stack((left * top, right * top, left * bottom, right * bottom))
    loads: FloatArray = corners * np.reshape(total_kg, (-1, 1))
    return loads


def segment_frames(segment: Segment, session: Session) -> list[Any]:
    """The segment's frames as corner-load arrays (or garbage), from its seed."""
    rng = np.random.default_rng(segment.seed)
    n = segment.samples
    frames: list[Any] = []
    for _ in range(segment.frames):
        if segment.kind == "garbage":
            pool = np.array([np.nan, np.inf, -np.inf, 1e308, -1e308, 0.0, -5.0, 1e3, 60.0])
            frames.append(np.where(rng.random((n, 4)) < 0.5, rng.choice(pool, (n, 4)), 20.0))
            continue
        if segment.kind == "wrong_shape":
            frames.append(
                [np.zeros((n, 3)), np.zeros(4), np.zeros((n, 4, 1)), [["a"] * 4] * n, []][
                    int(rng.integers(5))
                ]
            )
            continue
        fraction, ml_cm, ap_cm = POSTURES.get(segment.kind, POSTURES["both_feet"])
        sway = np.cumsum(rng.normal(0.0, session.sway_cm / 10, (2, n)), axis=1)
        total = session.body_mass_kg * fraction + rng.normal(0.0, 0.05, n)
        loads = corner_loads(total, ml_cm + sway[0], ap_cm + sway[1])
        if segment.kind == "missing":
            loads[rng.random((n, 4)) < 0.3] = np.nan
        elif segment.kind == "spike":
            loads[int(rng.integers(n)), int(rng.integers(4))] += 60.0
        frames.append(loads)
    return frames


def _snapshot(runner: CheckRunner) -> tuple[Any, ...]:
    return (
        runner.current_test,
        runner.trial,
        runner.test_number,
        runner.elapsed_s,
        runner.holding,
        runner.finished,
        runner.results,
    )


def check_events(runner: CheckRunner, events: Sequence[CheckEvent], seen: Counter[str]) -> None:
    """The runner's event and result invariants after one call that returned `events`."""
    for event in events:
        assert seen["check_finished"] == 0, f"{event.kind} after check_finished"
        assert math.isfinite(event.time_s), f"{event.kind} at {event.time_s}"
        seen[event.kind.value] += 1
        if event.kind is CheckEventKind.TRIAL_FINISHED:
            assert event.result is not None
            check_result(event.result, runner.plan)
            seen[f"end:{event.result.end_reason.value}"] += 1
    assert runner.finished == (seen["check_finished"] == 1)
    assert len(runner.results) == seen["trial_finished"]
    assert 0.0 <= runner.elapsed_s <= runner.plan.cap_s
    if runner.complete:
        # A result: held (completed), or the person could not take the position (outcomes.py).
        done = {r.test for r in runner.results if r.completed or r.position_not_taken}
        assert done >= set(runner.plan.tests), "complete without a result for every test"


def check_result(result: StanceResult, plan: CheckPlan) -> None:
    """A result is within its limits and survives storage (strict JSON and back)."""
    assert result.test in plan.tests
    assert 0.0 <= result.hold_time_s <= plan.cap_s, result
    assert math.isfinite(result.started_at_s)
    assert math.isfinite(result.body_mass_kg)
    assert result.body_mass_kg >= 0.0
    if result.sway is not None:
        assert all(math.isfinite(value) for value in result.sway.as_dict().values()), result.sway
    stored = json.loads(json.dumps(result.as_dict(), allow_nan=False))
    assert StanceResult.from_dict(stored) == result


def _check_session(session: Session, stats: Stats) -> None:
    runner = CheckRunner(session.plan)
    seen: Counter[str] = Counter()
    clock_s = 100.0
    last_s = clock_s
    for step in session.steps:
        if isinstance(step, Stop):
            stats.tried += 1
            before = _snapshot(runner)
            when_s = last_s + step.after_s
            try:
                events = (
                    runner.cancel(when_s)
                    if step.how == "cancel"
                    else runner.lose_signal(when_s if math.isfinite(when_s) else last_s)
                )
            except ValueError:
                assert not math.isfinite(when_s), "cancel refused a finite time"
                assert _snapshot(runner) == before, "a refused cancel changed the check"
                stats.rejected["cancel:non_finite_time"] += 1
                continue
            stats.accepted += 1
            if before[5]:  # already finished: nothing more may happen
                assert events == [], "events after the check finished"
                stats.outcomes[f"{step.how} after the end"] += 1
            check_events(runner, events, seen)
            continue
        for index, cells in enumerate(segment_frames(step, session)):
            stats.tried += 1
            t_first_s = clock_s + (step.gap_s if index == 0 else 0.0)
            before = _snapshot(runner)
            try:
                events = runner.feed(cells, t_first_s, step.rate_hz)
            except ValueError as err:
                _refused_frame(err, runner, before, stats)
                continue
            stats.accepted += 1
            check_events(runner, events, seen)
            if math.isfinite(t_first_s) and math.isfinite(step.rate_hz) and step.rate_hz > 0:
                clock_s = last_s = t_first_s + len(cells) / step.rate_hz
    stats.outcomes.update(key for key in seen if key.startswith(("hold", "end:", "check")))


def _refused_frame(
    err: ValueError, runner: CheckRunner, before: tuple[Any, ...], stats: Stats
) -> None:
    assert _snapshot(runner) == before, f"a refused frame changed the check: {err}"
    stats.rejected[f"feed:{_value_error_reason(err)}"] += 1


def _value_error_reason(err: ValueError) -> str:
    text = str(err)
    if text.startswith("frame starts at"):
        return "time_order"
    return text.split(" ", 1)[0]


SESSION = Target("session", sessions, _check_session)


# --- the pad-link pipeline over simulated streams -------------------------------------------

SCENARIOS = ("sls-left", "tandem", "quiet-ec", "daily-check")
SCENARIO_TESTS = {
    "sls-left": StanceTest.SINGLE_LEG_LEFT,
    "tandem": StanceTest.TANDEM,
    "quiet-ec": StanceTest.QUIET_EYES_CLOSED,
}
MUTATIONS = (
    "drop", "duplicate", "swap", "delay", "late", "freeze", "single", "reboot", "wrap",
    "jump", "garbage", "nulls", "rate", "cancel", "lose_signal", "press_short", "info",
)  # fmt: skip


@functools.cache
def stream(scenario: str, seed: int) -> tuple[tuple[str, bytes], ...]:
    """A simulated pad's messages (topic kind, payload), with a 10 s hold cap."""
    return tuple((kind, payload) for _, kind, payload in generate(scenario, seed=seed, cap_s=10.0))


@dataclass(frozen=True)
class Mutation:
    """Something done to the stream at message `at` (`size` is its extent or parameter)."""

    kind: str
    at: int
    size: int


@dataclass(frozen=True)
class Recording:
    """A slice of a simulated stream and what happens to it on the way."""

    scenario: str
    seed: int
    start: int
    length: int
    mutations: tuple[Mutation, ...]
    garbage: tuple[bytes | str, ...]


recordings = st.builds(
    Recording,
    scenario=st.sampled_from(SCENARIOS),
    seed=st.integers(1, 2),
    start=st.integers(0, 400),
    length=st.integers(10, 250),
    mutations=st.lists(
        st.builds(
            Mutation,
            kind=st.sampled_from(MUTATIONS),
            at=st.integers(0, 250),
            size=st.integers(1, 60),
        ),
        max_size=8,
    ).map(tuple),
    garbage=st.lists(payloads("frames"), max_size=3).map(tuple),
)


def _frame_fields(payload: bytes | str) -> dict[str, Any] | None:
    """The fields of a well-formed frame payload (for mutations), else None."""
    if not isinstance(payload, bytes):
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None
    fields_ok = all(type(data.get(name)) is int for name in ("seq", "t_ms"))
    samples_ok = all(isinstance(sample, list) and sample for sample in data["cells"])
    return data if fields_ok and samples_ok and data["cells"] else None


def _shift_frames(
    messages: list[tuple[str, bytes | str]], at: int, *, seq_minus: int = 0, t_ms_plus: int = 0
) -> None:
    """Move `seq` and `t_ms` of every well-formed frame from `at` on (t_ms modulo 2**32)."""
    for index in range(at, len(messages)):
        kind, payload = messages[index]
        data = _frame_fields(payload) if kind == "frames" else None
        if data is not None:
            data["seq"] -= seq_minus
            data["t_ms"] = (data["t_ms"] + t_ms_plus) % 2**32
            messages[index] = (kind, to_json(data).encode())


def mutate(recording: Recording) -> list[tuple[str, bytes | str]]:
    """The recording's messages after its mutations (control steps stay as pseudo-messages)."""
    source = stream(recording.scenario, recording.seed)
    start = recording.start % len(source)
    messages: list[tuple[str, bytes | str]] = list(source[start : start + recording.length])
    garbage = list(recording.garbage)
    for mutation in recording.mutations:
        if not messages:
            break
        at = mutation.at % len(messages)
        kind, payload = messages[at]
        data = _frame_fields(payload) if kind == "frames" else None
        if mutation.kind == "drop":
            del messages[at : at + mutation.size]
        elif mutation.kind == "duplicate":
            messages.insert(min(at + mutation.size, len(messages)), messages[at])
        elif mutation.kind == "swap" and at + 1 < len(messages):
            messages[at], messages[at + 1] = messages[at + 1], messages[at]
        elif mutation.kind in ("delay", "late"):
            moved = messages.pop(at)
            later = mutation.size * (40 if mutation.kind == "late" else 1)
            messages.insert(min(at + later, len(messages)), moved)
        elif mutation.kind in ("freeze", "single") and data is not None:
            t_ms = data["t_ms"]
            for index in range(at, min(at + mutation.size, len(messages))):
                fields = (
                    _frame_fields(messages[index][1]) if messages[index][0] == "frames" else None
                )
                if fields is not None:
                    fields["cells"] = fields["cells"][:1]
                    if mutation.kind == "freeze":
                        fields["t_ms"] = t_ms
                    messages[index] = ("frames", to_json(fields).encode())
        elif mutation.kind == "reboot" and data is not None:
            _shift_frames(messages, at, seq_minus=data["seq"], t_ms_plus=700 - data["t_ms"])
        elif mutation.kind == "wrap" and data is not None:
            _shift_frames(messages, at, t_ms_plus=2**32 - data["t_ms"] - 40 * mutation.size)
        elif mutation.kind == "jump":
            _shift_frames(messages, at, t_ms_plus=10**6)
        elif mutation.kind == "garbage" and garbage:
            messages[at] = ("frames", garbage.pop())
        elif mutation.kind == "nulls" and data is not None:
            data["cells"] = [[None, *sample[1:]] for sample in data["cells"]]
            messages[at] = (kind, to_json(data).encode())
        elif mutation.kind == "rate" and data is not None:
            data["rate_hz"] = (1, 1000, 80.5)[mutation.size % 3]
            messages[at] = (kind, to_json(data).encode())
        elif mutation.kind in ("cancel", "lose_signal", "press_short", "info"):
            messages.insert(at, (mutation.kind, b""))
    return messages


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
        assert _value_error_reason(err) == "time_order", f"parsed frame refused: {err}"
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


def costly_frames() -> dict[str, bytes]:
    """Frame payloads from the cheapest to the dearest to refuse or parse (for timing)."""
    ten = messages.Frame(seq=1, t_ms=1000, rate_hz=80.0, cells_kg=np.full((10, 4), 17.5))
    fifty = replace(ten, cells_kg=np.full((messages.MAX_SAMPLES_PER_FRAME, 4), -123.456789))
    numbers = b",".join([b"1.5e-300"] * 880)
    return {
        "10-sample frame (the baseline)": protocol.encode_frame(ten),
        "50 samples, full float precision": protocol.encode_frame(fifty, decimals=None),
        "8 KB of numbers": b'{"v":1,"x":[' + numbers + b"]}",
        "8 KB of nested arrays": b'{"v":1,"x":' + b"[" * 4000 + b"]" * 4000 + b"}",
        "9000 bytes (oversized)": b" " * 9000,
    }


# --- soak streams: long adversarial frame sequences for one pipeline ------------------------


def worst_case_hold(cap_s: float = 60.0) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """The densest stream the protocol allows (one sample per frame at 1000 Hz) through a
    quiet-stance test held to `cap_s`: (frames, stream), for the model of `soak_model(cap_s)`."""
    frames = round((cap_s + 2.0) * 1000)
    return frames, soak_streams(frames)["densest"]


def soak_model(cap_s: float = 10.0) -> PadLinkModel:
    """A pipeline running quiet-stance checks (the soak starts a new one when one ends)."""
    return PadLinkModel(CheckPlan(tests=(StanceTest.QUIET_EYES_OPEN,), cap_s=cap_s))


def raw_trace_chunks(samples: int) -> list[FloatArray]:
    """What `PadLink` keeps of a test for export (`MAX_RAW_SAMPLES`) if every frame had 1 sample."""
    return [np.zeros((1, 4)) for _ in range(samples)]


def _person(rng: np.random.Generator, n: int) -> FloatArray:
    sway = np.cumsum(rng.normal(0.0, 0.02, (2, n)), axis=1)
    return corner_loads(70.0 + rng.normal(0.0, 0.05, n), sway[0], sway[1])


def _payload(seq: int, t_ms: int, rate_hz: float, cells: FloatArray) -> bytes:
    frame = messages.Frame(seq=seq, t_ms=t_ms % 2**32, rate_hz=rate_hz, cells_kg=cells)
    return protocol.encode_frame(frame)


def soak_streams(frames: int) -> dict[str, Callable[[], Iterator[bytes]]]:
    """Adversarial frame streams of `frames` messages each (a person stands on the pad)."""
    rng = np.random.default_rng(15)

    def frozen_clock() -> Iterator[bytes]:  # single samples, seq going on, t_ms stuck
        for seq in range(frames):
            yield _payload(seq, 5_000_000, 80.0, _person(rng, 1))

    def densest() -> Iterator[bytes]:  # one sample per frame at 1000 Hz: 1000 frames a second
        for seq in range(frames):
            yield _payload(seq, 6_000_000 + seq, 1000.0, _person(rng, 1))

    def largest() -> Iterator[bytes]:  # 50 samples at 1000 Hz, back to back
        for seq in range(frames):
            yield _payload(seq, 7_000_000 + 50 * seq, 1000.0, _person(rng, 50))

    def reboot_storm() -> Iterator[bytes]:  # the pad restarts every 20 frames
        for index in range(frames):
            boot, seq = divmod(index, 20)
            yield _payload(seq, 2000 + 125 * seq + (boot % 2), 80.0, _person(rng, 10))

    def duplicate_flood() -> Iterator[bytes]:  # one frame over and over
        payload = _payload(1, 9_000_000, 80.0, _person(rng, 10))
        for _ in range(frames):
            yield payload

    return {
        "frozen_clock": frozen_clock,
        "densest": densest,
        "largest": largest,
        "reboot_storm": reboot_storm,
        "duplicate_flood": duplicate_flood,
    }


def all_targets(pipeline: Target | None = None) -> tuple[Target, ...]:
    """Every fuzz target, in the order they run."""
    parsers = tuple(parser_target(kind) for kind in (*JSON_KINDS, "status"))
    return (*parsers, TOPICS, SESSION, pipeline or pipeline_target())
