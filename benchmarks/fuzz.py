"""Property-based fuzzing of the pad protocol and the session state machine; prints figures.

Run from the repository root: ``.venv/bin/python benchmarks/fuzz.py`` (41 minutes on the shared
2-core development machine under load; ``--scale 0.1`` for a quick look, ``--seed N`` to vary
the inputs, ``--targets`` to choose). Latest figures: ``docs/security.md``, "Fuzzing".

1. The parsers of the five topic kinds and the topic parser, on hypothesis-generated payloads
   (valid, mutated, damaged, arbitrary bytes and text): at least 100,000 inputs together.
2. The session state machine (``CheckRunner``) fed arbitrary frame sequences directly: postures,
   missing and absurd loads, wrong shapes, bad rates, gaps up to 10^6 s, the clock going
   backwards, repeated cancels and lost signals.
3. The pad-link pipeline (parse → sequencer → pad monitor → check), as the integration
   (``pad_mqtt`` → ``coordinator`` → ``runs``) runs it, over simulated daily checks with
   dropped, duplicated, reordered, late, frozen, rebooted, wrapped and garbage frames. One model
   lives for the whole target, as a pad link lives for days.
4. Soak: one pipeline fed long adversarial streams (a frozen pad clock, frames at the densest the
   protocol allows, the largest frames back to back, a reboot storm, a duplicate flood) while
   checks run back to back; the most memory the engine holds in the second half of a stream
   must not exceed the first half's by more than 1 MB (a leak keeps climbing). Then the worst
   case of a bounded test: a 60-s hold at the densest stream.
5. What the dearest frame payloads cost to parse or refuse in the event loop, against a
   10-sample frame in the same run (timeit, with tracemalloc off).

Per target it prints the examples and inputs tried, the inputs accepted, the rejections by reason
(``ProtocolError.reason``, the sequencer's verdicts, the runner's ``ValueError`` by field) and the
time. At the end: the peak memory traced by ``tracemalloc`` (hypothesis included) and the memory
held by engine allocations at checkpoints. Exits 1 when a property fails or an exception other
than the documented ones escapes (hypothesis prints the smallest failing input), 2 when the
engine's memory grows without bound.
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit
import tracemalloc
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fuzz_targets import adversarial, catalog, harness, parsers, pipeline  # noqa: E402
from custom_components.retro_balance.runs import MAX_RAW_SAMPLES  # noqa: E402

ENGINE_FILES = str(ROOT / "custom_components" / "*")
EXAMPLES = {
    "frames": 17_000,
    "info": 17_000,
    "button": 17_000,
    "cmd": 17_000,
    "status": 17_000,
    "topics": 17_000,
    "session": 2_500,
    "pipeline": 1_500,
}
SOAK_FRAMES = 40_000
GROWTH_LIMIT_BYTES = 1_000_000
"""Engine-held memory may grow this much from the first to the second half of a soak stream."""


def engine_held_bytes() -> int:
    """Bytes currently allocated by lines in custom_components/ (tracemalloc, 1 frame deep)."""
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, ENGINE_FILES)])
    return sum(stat.size for stat in snapshot.statistics("filename"))


def with_checkpoints(
    target: harness.Target, every: int, held: list[int]
) -> Callable[[Any, harness.Stats], None]:
    """The target's check, recording the engine-held memory every `every` examples."""
    examples = 0

    def check(value: Any, stats: harness.Stats) -> None:
        nonlocal examples
        examples += 1
        if examples % every == 0:
            held.append(engine_held_bytes())
        target.check(value, stats)

    return check


def soak(frames: int, stats: harness.Stats) -> list[tuple[str, int, int]]:
    """Feed each soak stream to a fresh pipeline running back-to-back 10 s quiet-stance checks.

    Returns (name, most held in the first half, most held in the second half) in bytes, from ten
    checkpoints per stream: bounded state reaches its ceiling in the first half (a check lasts
    about 12,000 of the densest frames), a leak keeps climbing.
    """
    figures = []
    for name, stream in adversarial.soak_streams(frames).items():
        model = adversarial.soak_model()
        held: list[int] = []
        for index, payload in enumerate(stream()):
            stats.tried += 1
            model.on_frame(payload)
            model.start()  # a new check as soon as one ends: a test is always running
            if (index + 1) % max(1, frames // 10) == 0:
                held.append(engine_held_bytes())
        model.check_counts()
        stats.accepted += model.accepted
        for reason, count in (model.malformed + model.rejected + model.engine_errors).items():
            stats.rejected[reason] += count
        stats.outcomes.update(key for key in model.seen if key.startswith("end:"))
        half = len(held) // 2
        figures.append((name, max(held[:half], default=0), max(held[half:], default=0)))
        del model
    return figures


def worst_case_hold() -> tuple[float, str, float]:
    """Most engine-held memory during a 60-s hold at the densest legal stream, and the raw trace
    the pad link keeps for export at its cap (`MAX_RAW_SAMPLES`) in single-sample
    frames; MB, and whether the test ended at its cap."""
    frames, stream = adversarial.worst_case_hold()
    model = adversarial.soak_model(cap_s=60.0)
    held = 0
    for index, payload in enumerate(stream()):
        model.on_frame(payload)
        if index % 2000 == 0:
            held = max(held, engine_held_bytes())
    ended = "cap" if model.seen["end:cap"] else "not at the cap"
    before = tracemalloc.get_traced_memory()[0]
    chunks = adversarial.raw_trace_chunks(MAX_RAW_SAMPLES)
    raw_mb = (tracemalloc.get_traced_memory()[0] - before) / 1e6
    del chunks
    return held / 1e6, ended, raw_mb


def parse_costs() -> list[tuple[str, int, float]]:
    """(payload, bytes, microseconds) to parse or refuse each of `parsers.costly_frames()`."""
    costs = []
    for name, payload in parsers.costly_frames().items():
        runs = timeit.repeat(
            partial(parsers.parse_or_reason, "frames", payload), number=200, repeat=7
        )
        costs.append((name, len(payload), min(runs) / 200 * 1e6))
    return costs


# --- report ---------------------------------------------------------------------------------


def _print_stats(name: str, examples: int, stats: harness.Stats, seconds: float) -> None:
    rejected = ", ".join(f"{reason} {count}" for reason, count in stats.rejected.most_common())
    print(
        f"{name:<10} {examples:>7} examples {stats.tried:>9} inputs {stats.accepted:>9} accepted "
        f"{seconds:7.1f} s",
        flush=True,
    )
    print(f"{'':<10} rejected: {rejected or 'none'}")
    if stats.outcomes:
        outcomes = ", ".join(f"{key} {count}" for key, count in sorted(stats.outcomes.items()))
        print(f"{'':<10} outcomes: {outcomes}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every example count")
    parser.add_argument("--seed", type=int, default=15, help="hypothesis seed (default 15)")
    names = [*EXAMPLES, "soak"]
    parser.add_argument("--targets", help="comma-separated subset of: " + ", ".join(names))
    args = parser.parse_args(argv)
    chosen = set(args.targets.split(",")) if args.targets else set(names)

    tracemalloc.start(1)
    started = time.perf_counter()
    totals = Counter[str]()
    held: list[int] = []
    print(f"documented reasons: {', '.join(sorted(parsers.REASONS))}\n")
    for target in catalog.all_targets(pipeline=pipeline.pipeline_target(long_lived=True)):
        if target.name not in chosen:
            continue
        examples = max(1, round(EXAMPLES[target.name] * args.scale))
        stats = harness.Stats()
        check = with_checkpoints(target, max(1, examples // 5), held)
        begun = time.perf_counter()
        try:
            harness.run(target, stats, examples=examples, seed=args.seed, check=check)
        except Exception as err:  # hypothesis has printed the smallest failing input
            _print_stats(target.name, examples, stats, time.perf_counter() - begun)
            print(f"\nFAILED {target.name}: {type(err).__name__}: {err}")
            return 1
        _print_stats(target.name, examples, stats, time.perf_counter() - begun)
        totals["examples"] += examples
        totals["inputs"] += stats.tried

    unbounded = []
    if "soak" in chosen:
        frames = SOAK_FRAMES  # not scaled: a stream must outlast a few checks to show a leak
        stats = harness.Stats()
        begun = time.perf_counter()
        figures = soak(frames, stats)
        _print_stats("soak", len(figures), stats, time.perf_counter() - begun)
        totals["inputs"] += stats.tried
        for name, first, second in figures:
            print(
                f"{'':<10} {name:<16} engine holds at most {first / 1e6:6.2f} MB in the first "
                f"half, {second / 1e6:6.2f} MB in the second half of {frames} frames"
            )
            if second - first > GROWTH_LIMIT_BYTES:
                unbounded.append(name)
        held_mb, ended, raw_mb = worst_case_hold()
        print(
            f"{'':<10} a 60-s hold at 1000 single-sample frames a second (ended: {ended}): "
            f"engine holds at most {held_mb:.1f} MB; the pad link's raw trace at its cap of "
            f"{MAX_RAW_SAMPLES} samples in such frames: {raw_mb:.1f} MB"
        )

    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()  # the timings below without its overhead
    costs = parse_costs()
    print("\nparse or refuse one message in the event loop (best of 7 x 200):")
    for name, size, micros in costs:
        print(f"  {name:<34} {size:>5} bytes {micros:8.1f} us  {micros / costs[0][2]:6.1f} x")
    print(
        f"\ntotal: {totals['examples']} examples, {totals['inputs']} inputs, "
        f"{time.perf_counter() - started:.0f} s; tracemalloc peak {peak / 1e6:.1f} MB "
        f"(hypothesis included), {current / 1e6:.1f} MB at the end"
    )
    if held:
        print(
            "engine-held memory at checkpoints (MB): "
            + " ".join(f"{value / 1e6:.2f}" for value in held)
        )
    if unbounded:
        print(f"UNBOUNDED memory in the soak: {', '.join(unbounded)}")
        return 2
    print("no exception escaped; every rejection counted; memory bounded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
