"""Command line of the pad simulator (`scripts/simulate-pad`, `python -m pad_simulator`)."""

from __future__ import annotations

import argparse
import os
import signal
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TextIO

from custom_components.retro_balance.engine.wire import messages

from .faults import FaultPlan
from .options import build_parser
from .runner import BrokerSettings, BrokerUnreachableError, PadClient, play, print_messages
from .scenarios import build_simulation
from .simulation import Simulation


def _pad_ids(args: argparse.Namespace) -> list[str]:
    ids: list[str] = list(args.pad_id or [])
    wanted = args.pads if args.pads is not None else max(len(ids), 1)
    number = 1
    while len(ids) < wanted:
        if f"pad{number}" not in ids:
            ids.append(f"pad{number}")
        number += 1
    return ids


def _simulations(args: argparse.Namespace) -> list[tuple[str, Simulation]]:
    if args.pads is not None and not 1 <= args.pads <= 100:
        raise ValueError(f"--pads must be 1-100, got {args.pads}")
    if args.speed < 0:
        raise ValueError(f"--speed must be >= 0, got {args.speed}")
    if args.client_id is not None and len(_pad_ids(args)) > 1:
        raise ValueError("--client-id serves a single pad")
    faults = FaultPlan(
        reboot_at_s=args.reboot_at,
        clock_jump_at_s=args.clock_jump_at,
        clock_jump_s=args.clock_jump,
        reorder_rate=args.reorder_rate,
        late_rate=args.late_rate,
    )
    pads = []
    for index, pad_id in enumerate(_pad_ids(args)):
        simulation = build_simulation(
            args.scenario,
            seed=args.seed + index,
            rate_hz=args.rate,
            samples_per_frame=args.samples_per_frame,
            weight_kg=args.weight_kg,
            cap_s=args.cap,
            lose_balance_at_s=args.lose_balance_at,
            duration_s=args.duration,
            width_mm=args.width_mm,
            depth_mm=args.depth_mm,
            noise=not args.no_noise,
            drop_rate=args.drop_rate,
            dup_rate=args.dup_rate,
            t0_ms=(args.t0_ms + 1000 * index) % messages.T_MS_MODULUS,
            replay=args.replay,
            household_weights_kg=args.household_weights,
            sls_trials=args.sls_trials,
            no_lift=args.no_lift,
            loop=args.loop,
            faults=faults,
            lead_in_s=args.lead_in,
        )
        pads.append((pad_id, simulation))
    return pads


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the simulator; returns the process exit status."""
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        simulations = _simulations(args)
    except ValueError as err:
        print(f"simulate-pad: {err}", file=sys.stderr)
        return 1
    if args.dry_run:
        try:
            print_messages(simulations, args.prefix, out)
        except (KeyboardInterrupt, BrokenPipeError):
            # stdout closed early (e.g. piped into head): quietly stop writing
            sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115
        return 0
    if args.tls and args.ca_file is not None:
        try:
            ssl.create_default_context(cafile=args.ca_file)
        except OSError as err:  # a missing file, or one without a PEM certificate
            print(f"simulate-pad: --ca-file {args.ca_file}: {err}", file=sys.stderr)
            return 1
    broker = BrokerSettings(
        host=args.host,
        port=args.port if args.port is not None else (8883 if args.tls else 1883),
        username=args.username,
        password=args.password if args.password is not None else os.environ.get("MQTT_PASSWORD"),
        tls=args.tls,
        ca_file=args.ca_file,
        tls_insecure=args.tls_insecure,
        max_retries=args.max_retries,
        client_id=args.client_id,
    )
    previous_handler = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        return _publish(simulations, args, broker, out)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


def _publish(
    simulations: list[tuple[str, Simulation]],
    args: argparse.Namespace,
    broker: BrokerSettings,
    out: TextIO,
) -> int:
    pads: list[PadClient] = []
    try:
        for pad_id, simulation in simulations:
            pad = PadClient(pad_id, args.prefix, simulation, broker, out)
            pad.connect()
            pads.append(pad)
        loop_note = ", looping" if args.loop else ""
        print(
            f"simulating {len(pads)} pad(s) ({', '.join(p.pad_id for p in pads)}): scenario "
            f"{args.scenario} at speed {args.speed:g}{loop_note}; Ctrl-C to stop",
            file=out,
            flush=True,
        )
        count = play(pads, speed=args.speed)
        print(f"scenario finished: {count} messages published", file=out, flush=True)
        for pad in pads:
            print(f"[{pad.pad_id}] {pad.simulation.fault_counts.summary()}", file=out, flush=True)
    except BrokerUnreachableError as err:
        print(f"simulate-pad: {err}", file=sys.stderr)
        for pad in pads:
            pad.close()
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=out, flush=True)
    for pad in pads:
        pad.close()
    return 0
