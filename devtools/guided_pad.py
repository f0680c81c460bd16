"""A person who waits for the check to be started on a screen, then follows it: the walk-through.

`python -m devtools.guided_pad --port P` plays, once and in real time: the pad empty for
`--wait` s (time to press *Start daily check* on the dashboard), then someone of `--weight-kg`
steps on into tandem stance and holds it past the cap, steps out, and stands on the left leg
`--trials` times, putting the foot down after `--lose-balance-at` s each time, then steps off.
It fits a daily check of tandem stance then single-leg stance left with that cap and that many
trials (the end-to-end walk-through sets these options). Built from the pad simulator's timeline
blocks and MQTT runner, as the demo's pad (`devtools/demo_pad.py`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pad_simulator.body import LEFT_LEG, QUIET_EO, TANDEM, Phase
from pad_simulator.runner import BrokerSettings
from pad_simulator.scenarios import REACTION_S
from pad_simulator.simulation import Simulation, device_config
from pad_simulator.timeline import (
    SETTLE_S,
    empty_pad,
    single_leg,
    stand,
    step_off,
    step_on,
    tandem_hold,
)

from .demo import DEMO_PAD_ID
from .live_pad import play_live

PAUSE_S = 3.0
"""Standing on both feet between tests and trials (after the cue, before the next position)."""


def guided_timeline(
    weight_kg: float, *, wait_s: float, cap_s: float, lose_balance_at_s: float, trials: int
) -> list[Phase]:
    """Return the walk-through's person: wait, tandem to the cap, `trials` single-leg tries."""
    phases = [
        empty_pad(wait_s),
        step_on(weight_kg, TANDEM),
        stand("settle", weight_kg, TANDEM, SETTLE_S),
        *tandem_hold(weight_kg, cap_s + REACTION_S),
        stand("pause", weight_kg, QUIET_EO, PAUSE_S),
    ]
    for _ in range(trials):
        phases += [
            *single_leg("single_leg_left", weight_kg, LEFT_LEG, lose_balance_at_s),
            stand("pause", weight_kg, QUIET_EO, PAUSE_S),
        ]
    return [*phases, step_off(weight_kg, QUIET_EO), empty_pad(5.0)]


def main(argv: Sequence[str] | None = None) -> int:
    """Connect, play the walk-through once, say offline."""
    parser = argparse.ArgumentParser(prog="guided_pad", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pad-id", default=DEMO_PAD_ID)
    parser.add_argument("--weight-kg", type=float, required=True)
    parser.add_argument("--wait", type=float, default=30.0)
    parser.add_argument("--cap", type=float, default=15.0)
    parser.add_argument("--lose-balance-at", type=float, default=5.0)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    timeline = guided_timeline(
        args.weight_kg,
        wait_s=args.wait,
        cap_s=args.cap,
        lose_balance_at_s=args.lose_balance_at,
        trials=args.trials,
    )
    simulation = Simulation(timeline, device_config(), seed=args.seed)
    play_live(
        args.pad_id,
        simulation,
        BrokerSettings(host=args.host, port=args.port),
        f"guided pad {args.pad_id}: empty for {args.wait:g} s, then the check",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
