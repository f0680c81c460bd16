"""One simulated pad on the demo stack's broker, played in real time: `demo_pad` and `guided_pad`.

Built from the pad simulator's MQTT runner (pad_simulator/runner.py): one connection, so one last
will, for the whole play.
"""

from __future__ import annotations

import sys

from custom_components.retro_balance.engine.wire import topics
from pad_simulator.runner import BrokerSettings, PadClient, play
from pad_simulator.simulation import Simulation


def play_live(pad_id: str, simulation: Simulation, broker: BrokerSettings, greeting: str) -> None:
    """Connect, print `greeting`, play `simulation` until its end or Ctrl-C, then say offline."""
    pad = PadClient(pad_id, topics.DEFAULT_PREFIX, simulation, broker, sys.stdout)
    try:
        pad.connect()
        print(greeting, flush=True)
        play([pad], speed=1.0)
    except KeyboardInterrupt:
        pass
    finally:
        pad.close()
