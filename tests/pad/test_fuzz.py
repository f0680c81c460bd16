"""Fuzzing, short: every target of benchmarks/fuzz.py on a few thousand generated inputs.

The long run (100,000+ inputs, the memory soak) is `benchmarks/fuzz.py`; the targets and their
properties live in `benchmarks/fuzz_targets/`. A fixed seed keeps a run close to the last, but
not the same: hypothesis mixes in constants from every local module loaded (so which tests are
collected changes what it draws). The generated runs therefore assert properties and coarse
coverage; what must be seen exactly comes from a fixed recording.
"""

from __future__ import annotations

import pytest

from benchmarks.fuzz_targets import harness, parsers, payloads, pipeline, session
from benchmarks.fuzz_targets.recordings import Mutation, Recording

SEED = 15
EXAMPLES = {
    "frames": 500,
    "info": 400,
    "button": 300,
    "cmd": 300,
    "status": 300,
    "topics": 300,
    "session": 120,
    "pipeline": 60,
}


@pytest.fixture(scope="module")
def parser_runs() -> dict[str, harness.Stats]:
    """One run of each parser target (shared by the tests below)."""
    runs = {}
    for kind in (*payloads.JSON_KINDS, "status"):
        runs[kind] = harness.Stats()
        harness.run(parsers.parser_target(kind), runs[kind], examples=EXAMPLES[kind], seed=SEED)
    return runs


@pytest.mark.parametrize("kind", [*payloads.JSON_KINDS, "status"])
def test_parsers_raise_only_documented_protocol_errors(
    kind: str, parser_runs: dict[str, harness.Stats]
) -> None:
    stats = parser_runs[kind]
    assert stats.tried == EXAMPLES[kind]
    assert stats.accepted > 0, "no valid message generated: the round trip went untested"
    assert len(stats.rejected) >= 4, stats.rejected


def test_every_documented_reason_was_produced(parser_runs: dict[str, harness.Stats]) -> None:
    produced = set().union(*(stats.rejected for stats in parser_runs.values()))
    assert produced == parsers.REASONS


def test_documented_reasons_are_read_from_the_protocol_doc() -> None:
    assert {"oversized", "not_utf8", "non_finite", "unknown_command"} <= parsers.REASONS
    assert len(parsers.REASONS) == 13


def test_topic_parsing_builds_back_what_it_accepts() -> None:
    stats = harness.Stats()
    harness.run(parsers.TOPICS, stats, examples=EXAMPLES["topics"], seed=SEED)
    assert stats.accepted > 0
    assert stats.rejected["not_a_pad_topic"] > 0


def test_session_state_machine_survives_arbitrary_frames_and_cancels() -> None:
    stats = harness.Stats()
    harness.run(session.SESSION, stats, examples=EXAMPLES["session"], seed=SEED)
    # The generated sessions reach the interesting states, not only refusals.
    assert stats.outcomes["hold_started"] > 0
    assert stats.outcomes["check_finished"] > 0
    assert stats.outcomes["cancel after the end"] > 0
    assert {"feed:cells_kg", "feed:rate_hz"} <= set(stats.rejected)


def test_pipeline_counts_every_rejected_frame() -> None:
    """Every generated stream: each message accepted or counted once (`check_counts`)."""
    stats = harness.Stats()
    harness.run(pipeline.pipeline_target(), stats, examples=EXAMPLES["pipeline"], seed=SEED)
    assert stats.accepted > 0
    assert any(key.startswith("sequencer:") for key in stats.rejected)
    assert any(key.startswith("malformed:") for key in stats.rejected)
    assert any(key.startswith("end:") for key in stats.outcomes)


def test_pipeline_counts_each_kind_of_damage() -> None:
    """A fixed damaged recording: duplicated, late, reordered and garbage frames each counted."""
    damaged = Recording(
        scenario="sls-left",
        seed=1,
        start=0,
        length=200,
        mutations=(
            Mutation("duplicate", 20, 2),
            Mutation("late", 40, 2),
            Mutation("swap", 150, 1),
            Mutation("garbage", 180, 1),
        ),
        garbage=(b"not json",),
    )
    stats = harness.Stats()
    pipeline.pipeline_target().check(damaged, stats)
    assert stats.rejected["sequencer:duplicate"] == 1
    assert stats.rejected["sequencer:late"] == 1
    assert stats.rejected["sequencer:out_of_order"] == 1
    assert stats.rejected["malformed:not_json"] == 1
    # The stream's retained status and info are tried too, and are no frames.
    assert stats.accepted == stats.tried - 2 - 4


def test_a_broken_property_is_reported() -> None:
    """The harness fails loudly: a check that raises is not swallowed."""

    def refuse_everything(payload: bytes | str, stats: harness.Stats) -> None:
        raise TypeError("escaped")

    with pytest.raises(TypeError, match="escaped"):
        harness.run(
            parsers.parser_target("button"),
            harness.Stats(),
            examples=5,
            seed=SEED,
            check=refuse_everything,
        )
