"""Where Home Assistant's event loop spends its time: a summary of a py-spy profile.

Reads `py-spy record --format raw --threads` output (one line per distinct stack:
`thread (tid): Name;outer (file:line);…;inner (file:line) COUNT`) and prints, for the event loop
(MainThread; samples waiting in `select` are idle, not busy):

- its busy samples, and the share of them inside the integration (any frame of retro_balance);
- the integration's parts (inclusive: a sample counts for every part on its stack), as a share of
  the integration's samples and of the loop's: parsing, ordering, the pad monitor (live weight,
  rate, cell health), the running test, building snapshots, entities writing their state;
- the functions with the most samples inside them (inclusive) and at the top of the stack (self);
- the busy samples of the other threads (the recorder writes the database in its own thread).

Run on its own: ``.venv/bin/python benchmarks/profile_summary.py py-spy.txt``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LINE = re.compile(r"^thread \((?P<tid>[^)]*)\): (?P<stack>.*) (?P<count>\d+)$")
IDLE_LEAVES = (
    "Selector.select (selectors.py",  # the event loop waiting for I/O
    "_worker (concurrent/futures/thread.py",  # executor threads waiting for a job
    "QueueListener.dequeue (logging",
    "_run_safe_shutdown_loop (pycares",
    "Recorder._run_event_loop (",  # the recorder waiting on its queue (no frame below it)
)
"""Leaf frames where py-spy sometimes samples a thread that is blocked in C, not working."""
OURS = "retro_balance/"

PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("MQTT message routed (PadMqtt.async_handle_message)", ("PadMqtt.async_handle_message",)),
    ("frames judged (PadMqtt._judge: held a second, or one in a test)", ("PadMqtt._judge",)),
    ("  parse the payload (parse_frame)", ("parse_frame ",)),
    ("  put frames in order (FrameSequencer)", ("FrameSequencer.",)),
    ("  coordinator takes them (frames_received)", ("PadCoordinator.frames_received",)),
    ("    pad monitor: weight, rate, cells (PadMonitor.feed)", ("PadMonitor.feed",)),
    ("    running test (PadRuns.feed)", ("PadRuns.feed",)),
    ("    live state built to compare (PadLive.live_pad)", ("PadLive.live_pad",)),
    ("    publish now / schedule (Debouncer)", ("Debouncer.",)),
    ("snapshot built (PadCoordinator._snapshot)", ("PadCoordinator._snapshot",)),
    ("entities told (async_update_listeners)", ("DataUpdateCoordinator.async_update_listeners",)),
    ("  state written (Entity.async_write_ha_state)", ("Entity.async_write_ha_state",)),
)


@dataclass(frozen=True, slots=True)
class Stack:
    """One distinct stack of one thread and how many samples ended in it."""

    thread: str
    frames: tuple[str, ...]
    count: int


def read_stacks(path: Path) -> list[Stack]:
    """Parse a raw py-spy file (thread names without their numbers: SyncWorker_3 → SyncWorker)."""
    stacks = []
    for line in path.read_text().splitlines():
        match = LINE.match(line)
        if match is None:
            continue
        thread, *frames = match["stack"].split(";")
        stacks.append(Stack(re.sub(r"_\d+$", "", thread), tuple(frames), int(match["count"])))
    return stacks


def busy(stack: Stack) -> bool:
    """Whether the sample was doing work (not waiting for I/O or a queue)."""
    return not any(leaf in stack.frames[-1] for leaf in IDLE_LEAVES)


def function(frame: str) -> str:
    """`func (path:line)` → `func (path)`."""
    return re.sub(r":\d+\)$", ")", frame)


def summarize(path: Path, top: int = 12) -> str:
    """The summary as text (see the module docstring)."""
    if not path.exists():
        return f"no profile at {path}"
    stacks = [stack for stack in read_stacks(path) if busy(stack)]
    loop = [stack for stack in stacks if stack.thread == "MainThread"]
    loop_busy = sum(stack.count for stack in loop)
    ours = [stack for stack in loop if any(OURS in frame for frame in stack.frames)]
    ours_busy = sum(stack.count for stack in ours)
    if not loop_busy:
        return "profile: no busy sample of the event loop"
    lines = [
        f"event loop: {loop_busy} busy samples; inside retro_balance {ours_busy} "
        f"({100 * ours_busy / loop_busy:.0f}% of the loop's busy time)",
        f"{'part (inclusive)':<58}{'% of ours':>10}{'% of loop':>10}",
    ]
    for label, needles in PARTS:
        samples = sum(
            stack.count
            for stack in loop
            if any(needle in frame for frame in stack.frames for needle in needles)
        )
        share_of_ours = 100 * samples / max(ours_busy, 1)
        lines.append(f"{label:<58}{share_of_ours:>10.0f}{100 * samples / loop_busy:>10.0f}")
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for stack in ours:
        for name in {function(frame) for frame in stack.frames if OURS in frame}:
            inclusive[name] += stack.count
    for stack in loop:
        leaves[function(stack.frames[-1])] += stack.count
    lines.append(f"integration functions, inclusive (% of the loop's busy samples), top {top}:")
    lines += [f"  {100 * n / loop_busy:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines.append(f"self time at the top of the loop's stacks, top {top}:")
    lines += [f"  {100 * n / loop_busy:5.1f}%  {name}" for name, n in leaves.most_common(top)]
    threads: Counter[str] = Counter()
    for stack in stacks:
        if stack.thread != "MainThread":
            threads[stack.thread] += stack.count
    lines.append(
        "other threads' busy samples: "
        + ", ".join(f"{name} {n}" for name, n in threads.most_common(6))
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarize(Path(sys.argv[1])))
