"""The demo's pad: stays online and plays a daily check every few minutes, Frank's now and then.

`python -m devtools.demo_pad --port P` — one connection (one last will) for the whole demo, built
from the pad simulator's own timeline blocks and MQTT runner (pad_simulator/), so the pad does not
flap offline between checks. SIGTERM or Ctrl-C publish `offline` and disconnect.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from pad_simulator.body import Phase
from pad_simulator.runner import BrokerSettings
from pad_simulator.scenarios import ScenarioOptions, build_timeline
from pad_simulator.simulation import Simulation, device_config
from pad_simulator.timeline import empty_pad

from .demo import DEMO_PAD_ID, FRANK, MARGARET
from .live_pad import play_live

SECOND_PERSON_EVERY = 3
"""Every third round, Frank does his check after Margaret's."""
FRANK_LOSES_BALANCE_AT_S = 12.0
LEAD_IN_S = 20.0


def demo_timeline(every_s: float) -> list[Phase]:
    """One cycle: Margaret's check every `every_s` seconds; Frank's after hers every third time.

    Each check follows a quiet stretch (at least `LEAD_IN_S`), so that on the first start Home
    Assistant has discovered the pad and added the people before anybody steps on.
    """
    margaret = build_timeline("daily-check", ScenarioOptions(weight_kg=MARGARET.weight_kg))
    frank = build_timeline(
        "daily-check",
        ScenarioOptions(weight_kg=FRANK.weight_kg, lose_balance_at_s=FRANK_LOSES_BALANCE_AT_S),
    )
    phases: list[Phase] = []
    for round_number in range(1, SECOND_PERSON_EVERY + 1):
        checks = [margaret, frank] if round_number == SECOND_PERSON_EVERY else [margaret]
        for check in checks:
            length_s = sum(phase.duration_s for phase in check)
            phases += [empty_pad(max(every_s - length_s, LEAD_IN_S)), *check]
    return phases


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Connect and play the demo until stopped."""
    parser = argparse.ArgumentParser(prog="demo_pad", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pad-id", default=DEMO_PAD_ID)
    parser.add_argument("--every-min", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    simulation = Simulation(
        demo_timeline(args.every_min * 60.0), device_config(), seed=args.seed, loop=True
    )
    play_live(
        args.pad_id,
        simulation,
        BrokerSettings(host=args.host, port=args.port),
        f"demo pad {args.pad_id}: a daily check every {args.every_min:g} min",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
