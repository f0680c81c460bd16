"""Many pads streaming into a real Home Assistant, against the same Home Assistant without us.

Run from the repository root (mosquitto and a `scripts/setup` venv needed; see
benchmarks/README.md for the figures and how they are extrapolated):

    .venv/bin/python benchmarks/load.py                  # 1, 10, 50 pads, 120 s each, SQLite
    .venv/bin/python benchmarks/load.py --quick          # ~20 s per size, to check the harness
    .venv/bin/python benchmarks/load.py --pads 50 --db postgres
    .venv/bin/python benchmarks/load.py --pads 50 --profile   # py-spy on the integration run
    .venv/bin/python benchmarks/load.py --pads 50 --rounds 3  # alternate, median of 3 ratios

For every number of pads, two fresh Home Assistant 2025.4.4 processes run in turn on the same
broker traffic (built before the run; one load-generator process publishes it, its CPU is not
counted): the *baseline*, whose only custom component (`benchmarks/load_probe`) subscribes to
exactly the integration's topics and counts the messages, and the *integration* run, the same
configuration with retro_balance set up on every pad (one person and a 10 s cap on the check
pads). Every pad streams 10-sample frames at 80 Hz with someone standing on it; every fifth pad
plays daily checks back to back instead. `--modes baseline,reader,integration` adds the
*reader* run: the baseline with the probe also parsing and ordering every frame as the
integration does before any analysis (the least that taking every frame in Python costs). After
a warm-up, over a measured window:

- CPU: user + system seconds of the Home Assistant process (/proc/<pid>/stat, every thread,
  the recorder's included), per pad-minute, and the ratio integration / baseline (and reader /
  baseline; with `--rounds N`, the modes N times in turn: each round's ratio and their median);
- event-loop lag p50 / p99 / max: how late the probe's 50-ms timer callback ran;
- frames: published by the generator, refused by its MQTT client, received (baseline: the
  probe's count; reader: the probe sequencer's accepted count; integration: the sequencer's
  accepted count from each pad's diagnostics) and dropped (the integration's counters: refused
  + lost), which must be 0;
- memory: resident set size at the start and end of the window;
- live path (integration): from the publish of the frame that ends a daily check (found by
  replaying the pad's messages through the engine) to the person's `last_check` sensor updated
  (its state's `last_updated`, seen through a websocket state trigger);
- recorder rows written in the window (counted in the database after Home Assistant stopped) and
  rows per pad per day (`recorder_rows.per_pad_day`).

Prints figures; asserts nothing timed. Exits 1 if a frame was dropped or a run failed.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load_figures import RunFigures, live_path, print_figures  # noqa: E402
from benchmarks.load_ha import (  # noqa: E402
    ProcessSample,
    StateWatch,
    diagnostics,
    entity_owners,
    is_number,
    load_average,
    pad_of,
    prepare_config,
    probe_report,
    set_up_pads,
    wait_mqtt_loaded,
)
from benchmarks.load_traffic import (  # noqa: E402
    build_traffic,
    check_length_s,
    check_pad_indices,
    finishing_frames,
    pad_ids,
)
from benchmarks.postgres import postgres_server  # noqa: E402
from benchmarks.profile_summary import summarize  # noqa: E402
from benchmarks.recorder_rows import count_rows, per_pad_day  # noqa: E402
from custom_components.retro_balance.engine.wire.topics import DEFAULT_PREFIX  # noqa: E402
from devtools.processes import VENV_BIN, HarnessError, ManagedProcess, wait_until  # noqa: E402
from devtools.stack import running_stack  # noqa: E402

MODES = ("baseline", "reader", "integration")
DEFAULT_MODES = "baseline,integration"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pads", default="1,10,50", help="comma-separated pad counts")
    parser.add_argument("--duration", type=float, default=120.0, help="measured window, s")
    parser.add_argument("--warmup", type=float, default=10.0, help="streaming before it, s")
    parser.add_argument("--quick", action="store_true", help="20-s windows, 5-s warm-up")
    parser.add_argument("--check-every", type=int, default=5, help="every Nth pad runs checks")
    parser.add_argument("--check-cap", type=float, default=10.0, help="check pads' cap, s")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--modes", default=DEFAULT_MODES, help=f"some of {','.join(MODES)}, run in this order"
    )
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="measure the modes this many times, in turn (on a shared machine the median "
        "of the rounds' ratios is steadier than one ratio)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true", help="py-spy on the integration runs (figures skewed)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--keep", action="store_true", help="keep the run folders")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if unknown := set(args.modes.split(",")) - set(MODES):
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    if args.quick:
        args.duration, args.warmup = 20.0, 5.0
    return args


def run_once(
    mode: str, pads: int, args: argparse.Namespace, work: Path, db_url: str | None, round_: int
) -> RunFigures:
    """One Home Assistant, one generator, one measured window."""
    run_dir = work / f"{mode}-{pads}-{round_}"
    config_dir = run_dir / "config"
    ids = pad_ids(pads)
    checks = [ids[i] for i in check_pad_indices(pads, args.check_every)]
    traffic_dir = work / f"traffic-{pads}"
    # The reader run needs the integration's engine; it sets up no pad.
    prepare_config(config_dir, integration=mode != "baseline", db_url=db_url)
    with running_stack(run_dir / "run", config_dir) as stack:
        client = stack.api
        wait_mqtt_loaded(client)
        if mode != "integration":
            client.call_service(
                "load_probe",
                "subscribe",
                {"prefix": DEFAULT_PREFIX, "pads": ids, "read": mode == "reader"},
            )
        gen_dir = run_dir / "generator"
        gen_dir.mkdir()
        (gen_dir / "traffic.pickle").symlink_to(traffic_dir / "traffic.pickle")
        generator = ManagedProcess(
            "load-generator",
            [
                str(VENV_BIN / "python"),
                str(ROOT / "benchmarks" / "load_pads.py"),
                str(gen_dir),
                str(stack.broker.port),
            ],
            gen_dir / "generator.log",
        )
        generator.start()
        wait_until(
            lambda: (gen_dir / "ready").exists() or not generator.running,
            what="the load generator to connect its pads",
            timeout_s=120,
        )
        if not generator.running:
            raise HarnessError(f"the load generator stopped\n{generator.log_tail()}")
        entries: dict[str, str] = {}
        watch = None
        if mode == "integration":
            entries = set_up_pads(client, ids, checks, args.check_cap)
            owners = entity_owners(client)
            last_checks = {
                entity_id: pad_of(entries, entry_id)
                for entity_id, (entry_id, person) in owners.items()
                if person and entity_id.endswith("_last_check")
            }
            watch = StateWatch(client, sorted(last_checks))
            watch.start()
        pid = stack.hass.process.pid
        (gen_dir / "go").touch()
        go_s = time.time()
        sleep_until(go_s + args.warmup)
        start, load_start = ProcessSample.of(pid), load_average()
        probe_report(client, reset=True)
        window_start_s = time.time()
        profiler = start_profiler(pid, args, run_dir) if mode == "integration" else None
        sleep_until(window_start_s + args.duration)
        end, load_end = ProcessSample.of(pid), load_average()
        probe = probe_report(client)
        window_end_s = time.time()
        if mode == "integration":  # while the pads are online (their sensors have numbers)
            statistic_sensors = {
                s["entity_id"]: owners[s["entity_id"]]
                for s in client.states()
                if s["entity_id"] in owners
                and "state_class" in s["attributes"]
                and is_number(s["state"])
            }
        wait_until(lambda: not generator.running, what="the generator to finish", timeout_s=120)
        if profiler is not None:
            profiler.wait(60)
            print(summarize(run_dir / "py-spy.txt"))
        report = json.loads((gen_dir / "report.json").read_text())
        published = sum(report["frames"].values())
        refused = sum(report["refused"].values())
        if mode != "integration":
            time.sleep(2.0)  # the last frames are on their way
            counted = probe_report(client)["received"]
            kind = "frames" if mode == "baseline" else "frames_accepted"
            received = sum(counted.get(pad, {}).get(kind, 0) for pad in ids)
            dropped = published - received
        else:
            time.sleep(2.0)  # the pads went offline: the last snapshot is published
            counters = [diagnostics(client, entries[pad])["sequencer"] for pad in ids]
            received = sum(c["accepted"] for c in counters)
            dropped = sum(
                c["duplicate"] + c["out_of_order"] + c["late"] + c["lost"] for c in counters
            )
            dropped = max(dropped, published - received)
            for pad, pad_counters in zip(ids, counters, strict=True):
                if pad_counters["accepted"] != report["frames"].get(pad, 0):
                    print(f"  pad {pad}: published {report['frames'].get(pad, 0)}, {pad_counters}")
        if watch is not None:
            watch.stop()
    figures = RunFigures(
        mode=mode,
        pads=pads,
        round=round_,
        window_s=window_end_s - window_start_s,
        cpu_s=end.cpu_s - start.cpu_s,
        system_s=end.system_s - start.system_s,
        gc_s=probe["gc_s"],
        gc_collections=probe["gc_collections"],
        lag_ms={
            k: None if probe[k] is None else probe[k] * 1e3
            for k in ("lag_p50_s", "lag_p99_s", "lag_max_s")
        },
        rss_mb=(start.rss_mb, end.rss_mb),
        published=published,
        refused=refused,
        received=received,
        dropped=dropped,
        generator_late_p99_ms=report["late_p99_s"] * 1e3,
        load_average=(load_start, load_end),
    )
    url = db_url or f"sqlite:///{config_dir / 'home-assistant_v2.db'}"
    rows = count_rows(url, window_start_s, window_end_s)
    figures.rows = rows.totals()
    if mode == "integration":
        traffic = load_traffic_file(traffic_dir)
        figures.latencies_s, figures.checks_missed = live_path(
            traffic, report, watch, entries, owners, checks, ids, args.check_cap, go_s
        )
        check_entries = {entries[p] for p in checks}
        figures.pad_day = per_pad_day(
            rows,
            window_s=figures.window_s,
            owners=owners,
            standing_entries={entries[p] for p in ids} - check_entries,
            check_entries=check_entries,
            check_length_s=check_length_s(args.check_cap),
            statistic_sensors=statistic_sensors,
            checks_in_window=sum(
                window_start_s <= published_s < window_end_s
                for published_s in report["published_at"].values()
            ),
        )
    return figures


def sleep_until(when_s: float) -> None:
    """Sleep until a wall-clock time."""
    time.sleep(max(0.0, when_s - time.time()))


def start_profiler(
    pid: int, args: argparse.Namespace, run_dir: Path
) -> subprocess.Popen[bytes] | None:
    """py-spy on Home Assistant for the window (folded stacks), when asked for."""
    if not args.profile:
        return None
    return subprocess.Popen(
        [str(VENV_BIN / "py-spy"), "record", "--pid", str(pid),
         "--duration", str(int(args.duration)), "--rate", "100", "--format", "raw",
         "--threads", "--output", str(run_dir / "py-spy.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def load_traffic_file(traffic_dir: Path) -> dict[str, Any]:
    """The pickled traffic of a run size."""
    traffic: dict[str, Any] = pickle.loads((traffic_dir / "traffic.pickle").read_bytes())
    return traffic


def prepare_traffic(pads: int, args: argparse.Namespace, work: Path) -> Path:
    """Build and pickle the traffic of one size (the same for both runs)."""
    traffic_dir = work / f"traffic-{pads}"
    traffic_dir.mkdir(parents=True, exist_ok=True)
    ids = pad_ids(pads)
    check_indices = check_pad_indices(pads, args.check_every)
    total_s = args.warmup + args.duration + 3.0
    started = time.process_time()
    sent = build_traffic(pads, total_s=total_s, check_pads=check_indices, cap_s=args.check_cap)
    ends = {ids[i]: finishing_frames(sent, i, args.check_cap) for i in check_indices}
    traffic = {
        "prefix": DEFAULT_PREFIX,
        "pad_ids": ids,
        "sent": sent,
        "record": sorted(i for indices in ends.values() for i in indices),
        "ends": ends,
    }
    (traffic_dir / "traffic.pickle").write_bytes(pickle.dumps(traffic))
    print(
        f"{pads} pads: {len(sent)} messages over {total_s:.0f} s built in "
        f"{time.process_time() - started:.1f} s CPU; {sum(map(len, ends.values()))} check ends",
        flush=True,
    )
    return traffic_dir


def main(argv: list[str] | None = None) -> int:
    """Run every size in each mode asked for; print and optionally save the figures."""
    args = parse_args(argv)
    sizes = [int(n) for n in args.pads.split(",")]
    modes = [m for m in args.modes.split(",") if m]
    runs: list[RunFigures] = []
    failed = False
    work = Path(tempfile.mkdtemp(prefix="retro-balance-load-"))
    pg_dir = Path(tempfile.mkdtemp(prefix="retro-balance-pg-"))
    print(f"run folders in {work}; load average now {load_average()}", flush=True)
    try:
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(postgres_server(pg_dir)) if args.db == "postgres" else None
            for pads in sizes:
                prepare_traffic(pads, args, work)
                for round_, mode in itertools.product(range(1, args.rounds + 1), modes):
                    name = f"{mode}_{pads}_{round_}"
                    db_url = None if server is None else server.create_database(name)
                    print(
                        f"== {mode}, {pads} pads, {args.duration:.0f} s ({args.db}), "
                        f"round {round_} of {args.rounds}",
                        flush=True,
                    )
                    try:
                        run = run_once(mode, pads, args, work, db_url, round_)
                    except (HarnessError, TimeoutError) as err:
                        print(f"   failed: {err}", flush=True)
                        failed = True
                        continue
                    runs.append(run)
                    print_figures([run])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\n== summary")
    print_figures(runs)
    if args.json:
        args.json.write_text(json.dumps([asdict(run) for run in runs], indent=1, default=str))
    dropped = sum(run.dropped + run.refused for run in runs)
    if dropped:
        print(f"FAILED: {dropped} frames dropped or refused")
    return 1 if failed or dropped else 0


if __name__ == "__main__":
    sys.exit(main())
