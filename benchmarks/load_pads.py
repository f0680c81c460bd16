"""The load generator of benchmarks/load.py: many simulated pads on one broker, paced in real time.

Run by load.py as its own process (its CPU is not Home Assistant's), with a run folder: reads
`traffic.pickle` (prefix, pad ids, messages, the message indices whose publish time
to record), connects one MQTT client per pad as the simulator does (last will, retained status
and info on connect), creates `ready`, waits for `go` to appear, publishes every message at its
time (QoS 0, as the firmware sends frames), then writes `report.json`: frames published and
refused per pad, how late the generator ran, and the recorded publish times (wall clock, s).
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load_traffic import Sent  # noqa: E402
from custom_components.retro_balance.engine.wire import topics  # noqa: E402
from pad_simulator.body import QUIET_EO  # noqa: E402
from pad_simulator.runner import BrokerSettings, PadClient  # noqa: E402
from pad_simulator.simulation import Simulation, device_config  # noqa: E402
from pad_simulator.timeline import stand  # noqa: E402

COMMAND_DRAIN_S = 1.0


def main(folder: Path, port: int) -> int:
    """Connect, wait for the go file, publish, report."""
    traffic = pickle.loads((folder / "traffic.pickle").read_bytes())
    pad_ids: list[str] = traffic["pad_ids"]
    sent: list[Sent] = traffic["sent"]
    record: set[int] = set(traffic["record"])
    broker = BrokerSettings(host="127.0.0.1", port=port, max_retries=3)
    clients = []
    for pad_id in pad_ids:
        simulation = Simulation([stand("idle", 70.0, QUIET_EO, 1.0)], device_config())
        client = PadClient(pad_id, traffic["prefix"], simulation, broker, sys.stdout)
        client.connect()
        clients.append(client)
    topic_of: dict[tuple[int, str], str] = {  # keyed as Sent.kind is: the simulator's str kinds
        (index, kind): topics.topic(traffic["prefix"], pad_id, kind)
        for index, pad_id in enumerate(pad_ids)
        for kind in (topics.TopicKind.FRAMES, topics.TopicKind.BUTTON)
    }
    (folder / "ready").touch()
    while not (folder / "go").exists():
        time.sleep(0.005)

    frames = [0] * len(pad_ids)
    refused = [0] * len(pad_ids)
    lateness_s: list[float] = []
    published_at: dict[int, float] = {}
    start = time.monotonic()
    next_drain = start + COMMAND_DRAIN_S
    for position, message in enumerate(sent):
        due = start + message.time_s
        while (wait_s := due - time.monotonic()) > 0:
            time.sleep(min(wait_s, 0.02))
        now = time.monotonic()
        lateness_s.append(now - due)
        info = clients[message.pad].client.publish(
            topic_of[message.pad, message.kind], message.payload, qos=0
        )
        if position in record:
            published_at[position] = time.time()
        if info.rc != 0:
            refused[message.pad] += 1
        elif message.kind == topics.TopicKind.FRAMES:
            frames[message.pad] += 1
        if now >= next_drain:
            next_drain = now + COMMAND_DRAIN_S
            for client in clients:
                client.handle_commands()  # cues from Home Assistant, printed to the log
    lateness_s.sort()
    report = {
        "frames": dict(zip(pad_ids, frames, strict=True)),
        "refused": dict(zip(pad_ids, refused, strict=True)),
        "late_p99_s": lateness_s[int(0.99 * (len(lateness_s) - 1))] if lateness_s else 0.0,
        "late_max_s": lateness_s[-1] if lateness_s else 0.0,
        "published_at": {str(key): value for key, value in published_at.items()},
    }
    (folder / "report.json").write_text(json.dumps(report))
    for client in clients:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2])))
