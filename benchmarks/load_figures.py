"""What benchmarks/load.py measured: one run's figures, the live path's latencies, the report.

- `RunFigures`: CPU, loop lag, memory, frames, the live path and the recorder rows of one run;
- `live_path`: from the publish of the frame that ends a daily check to the person's
  `last_check` sensor updated;
- `print_figures`: one line per run, the CPU ratio of each size, the live path and the rows.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .load_ha import StateWatch, pad_of
from .recorder_rows import PadDay

FRAME_PERIOD_S = 10 / 80.0
"""10-sample frames at 80 Hz: the live-path target is one frame period plus 50 ms (p95)."""


@dataclass
class RunFigures:
    """What one Home Assistant run measured."""

    mode: str
    pads: int
    window_s: float
    cpu_s: float
    system_s: float
    """The part of `cpu_s` in the kernel."""
    gc_s: list[float]
    """Seconds in the garbage collector in the window, by generation (the probe's count)."""
    gc_collections: list[int]
    lag_ms: dict[str, float | None]
    rss_mb: tuple[float, float]
    published: int
    refused: int
    received: int
    dropped: int
    generator_late_p99_ms: float
    load_average: tuple[str, str]
    latencies_s: list[float] = field(default_factory=list)
    checks_missed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    pad_day: PadDay | None = None
    round: int = 1
    """Which round of the size (`load.py --rounds`: the modes take turns)."""

    @property
    def label(self) -> str:
        """Mode and size, and the round after the first: `integration 50`, `baseline 50 r2`."""
        return f"{self.mode} {self.pads}" + (f" r{self.round}" if self.round > 1 else "")

    @property
    def cpu_per_pad_min(self) -> float:
        """CPU seconds per pad-minute."""
        return self.cpu_s / (self.pads * self.window_s / 60.0)


def live_path(
    traffic: dict[str, Any],
    report: dict[str, Any],
    watch: StateWatch | None,
    entries: dict[str, str],
    owners: dict[str, tuple[str, bool]],
    checks: list[str],
    ids: list[str],
    cap_s: float,
    go_s: float,
) -> tuple[list[float], int]:
    """Latency of every check end whose frame was published; checks with no update seen."""
    if watch is None:
        return [], 0
    changes: dict[str, list[float]] = defaultdict(list)
    for entity_id, updated_s in watch.changes:
        if updated_s >= go_s:
            changes[pad_of(entries, owners[entity_id][0])].append(updated_s)
    latencies, missed = [], 0
    published_at = {int(k): v for k, v in report["published_at"].items()}
    for pad in checks:
        ends = [i for i in traffic["ends"][pad] if i in published_at]
        seen = changes.get(pad, [])
        for number, index in enumerate(ends):
            if number < len(seen):
                latencies.append(seen[number] - published_at[index])
            else:
                missed += 1
    return latencies, missed


def cpu_ratios(runs: list[RunFigures], mode: str = "integration") -> dict[int, list[float]]:
    """`mode` ÷ baseline CPU per pad-minute, for each size and each round that has both."""
    pairs: defaultdict[tuple[int, int], dict[str, RunFigures]] = defaultdict(dict)
    for run in runs:
        pairs[run.pads, run.round][run.mode] = run
    ratios: defaultdict[int, list[float]] = defaultdict(list)
    for (pads, _), pair in sorted(pairs.items()):
        if mode in pair and "baseline" in pair:
            ratios[pads].append(pair[mode].cpu_per_pad_min / pair["baseline"].cpu_per_pad_min)
    return dict(ratios)


def print_figures(runs: list[RunFigures]) -> None:
    """One line per run, then the ratio of each size."""
    print(
        f"{'run':<18}{'CPU s/pad-min':>14}{'lag p50/p99/max ms':>22}{'frames pub/recv/drop':>24}"
        f"{'RSS MB start→end':>20}{'load avg':>12}"
    )
    for run in runs:
        lag = "/".join("-" if v is None else f"{v:.1f}" for v in run.lag_ms.values())
        print(
            f"{run.label:<18}{run.cpu_per_pad_min:>14.3f}{lag:>22}"
            f"{f'{run.published}/{run.received}/{run.dropped}':>24}"
            f"{f'{run.rss_mb[0]:.0f}→{run.rss_mb[1]:.0f}':>20}"
            f"{'→'.join(run.load_average):>12}"
        )
    for run in runs:
        print(
            f"{run.label:<18} CPU {run.cpu_s:.1f} s of which kernel "
            f"{run.system_s:.1f} s; garbage collector {sum(run.gc_s):.2f} s "
            f"({'/'.join(str(n) for n in run.gc_collections)} collections of generation 0/1/2)"
        )
    for mode, note in (("reader", "frames read, nothing else"), ("integration", "target <= 1.3")):
        for pads, ratios in sorted(cpu_ratios(runs, mode).items()):
            each = ", ".join(f"{ratio:.2f}" for ratio in ratios)
            if len(ratios) == 1:
                print(f"{pads:>3} pads: CPU ratio {mode}/baseline {each} ({note})")
            else:
                print(
                    f"{pads:>3} pads: CPU ratio {mode}/baseline by round {each}; median "
                    f"{statistics.median(ratios):.2f} ({note})"
                )
    for run in runs:
        if run.mode != "integration":
            continue
        if run.latencies_s:
            ordered = sorted(run.latencies_s)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            print(
                f"{run.pads:>3} pads: check end -> person's entities: {len(ordered)} checks, "
                f"median {statistics.median(ordered) * 1e3:.0f} ms, p95 {p95 * 1e3:.0f} ms, "
                f"max {ordered[-1] * 1e3:.0f} ms "
                f"(target p95 < {(FRAME_PERIOD_S + 0.05) * 1e3:.0f} ms)"
                + (f"; {run.checks_missed} not seen" if run.checks_missed else "")
            )
        print(f"{run.pads:>3} pads: recorder rows in the {run.window_s:.0f}-s window: {run.rows}")
        if run.pad_day is not None:
            day = run.pad_day
            print(
                f"     per pad per day: streaming {fmt(day.streaming)}; "
                f"per check {fmt(day.per_check)}; "
                f"statistics {day.statistics_pad} (pad) + {day.statistics_person} (person); "
                f"total with two checks {day.total():.0f} (target < 2000, goal 500)"
                + ("; " + "; ".join(day.notes) if day.notes else "")
            )


def fmt(rows: dict[str, float]) -> str:
    """Rows by table, rounded."""
    return ", ".join(f"{table} {value:.0f}" for table, value in rows.items())
