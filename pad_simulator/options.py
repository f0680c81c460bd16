"""The simulator's options: every argument of `scripts/simulate-pad`, described for --help."""

from __future__ import annotations

import argparse

from custom_components.retro_balance.engine.detection.check_plan import MAX_TRIALS, MIN_TRIALS
from custom_components.retro_balance.engine.detection.stance_config import DEFAULT_CAP_S
from custom_components.retro_balance.engine.signal.cop import WII_BALANCE_BOARD
from custom_components.retro_balance.engine.wire import messages, topics

from .device import DEFAULT_RATE_HZ, DEFAULT_SAMPLES_PER_FRAME, DEFAULT_T0_MS
from .faults import LATE_BY_S
from .scenarios import DEFAULT_WEIGHT_KG, HOUSEHOLD_WEIGHTS_KG, SCENARIOS

DESCRIPTION = (
    "A simulated retro_balance pad on MQTT, indistinguishable on the wire from the real one\n"
    "(docs/protocol.md): retained status (birth `online`, last will `offline`) and info, "
    "frames of\n"
    f"{DEFAULT_SAMPLES_PER_FRAME} samples at {DEFAULT_RATE_HZ:g} Hz (one single-sample frame per "
    "second while idle), button presses, and the\n"
    "`cmd` topic (tare re-zeroes the cells; cues are printed here). A person with realistic sway\n"
    "stands on it according to --scenario (docs/simulator.md).\n"
)

_DEFAULT_WEIGHTS = ",".join(f"{weight:g}" for weight in HOUSEHOLD_WEIGHTS_KG)

EPILOG = f"""\
scenarios:
  idle          empty pad (--duration, default 30 s): idle frames once a second
  step          step on, stand 10 s (--duration), step off
  quiet-eo      quiet stance, eyes open, for --cap + 1 s (or --duration)
  quiet-ec      the same with eyes closed (more sway)
  sls-left      single-leg stance on the left leg: held to --cap (+1 s reaction), or until
  sls-right       --lose-balance-at SECONDS after lifting the foot (the hold time)
  tandem        tandem stance, held like single-leg stance
  daily-check   button press, step on, quiet EC, tandem, SLS left, SLS right (x --sls-trials),
                  step off, with pauses
  --no-lift     with sls-left, sls-right, daily-check: someone who cannot lift a foot stands
                  on both feet through each single-leg test until the pad gives up
  household     people of --household-weights kg (default {_DEFAULT_WEIGHTS}) step on
                  and off in turn
  replay        a Santos & Duarte 2016 trial (--replay FILE, .txt or .txt.gz) played as four
                  corner loads for --weight-kg

examples:
  scripts/simulate-pad --scenario daily-check --speed 4
  scripts/simulate-pad --pads 3 --scenario household --loop
  scripts/simulate-pad --scenario sls-left --lose-balance-at 12 --host 192.168.1.5 \\
      --username pad --password secret
  scripts/simulate-pad --scenario replay --replay BDS00001.txt.gz --weight-kg 54
  scripts/simulate-pad --scenario daily-check --no-lift --speed 4
  scripts/simulate-pad --scenario step --dry-run          # print the messages, no broker

The MQTT password can also come from the environment variable MQTT_PASSWORD.
Ctrl-C publishes `offline` (retained) and exits with status 0; exit status 2 means the broker
could not be reached (after --max-retries) or refused the login, 1 a bad option.
"""


def _pad_id(value: str) -> str:
    if not topics.is_valid_pad_id(value):
        raise argparse.ArgumentTypeError(
            f"pad id {value!r} must match {topics.PAD_ID_PATTERN.pattern}"
        )
    return value


def _weights(value: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated kilograms, got {value!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser (every option is described in --help)."""
    parser = argparse.ArgumentParser(
        prog="simulate-pad",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    broker = parser.add_argument_group("broker")
    broker.add_argument("--host", default="localhost", help="MQTT broker host (default localhost)")
    broker.add_argument(
        "--port", type=int, default=None, help="MQTT broker port (default 1883, 8883 with --tls)"
    )
    broker.add_argument("--username", help="MQTT user name")
    broker.add_argument("--password", help="MQTT password (or set MQTT_PASSWORD)")
    broker.add_argument("--tls", action="store_true", help="connect with TLS")
    broker.add_argument("--ca-file", help="CA certificate for --tls (default: system CAs)")
    broker.add_argument(
        "--tls-insecure", action="store_true", help="with --tls: do not check the host name"
    )
    broker.add_argument(
        "--max-retries",
        type=int,
        default=None,
        help="give up after this many failed connection attempts (default: retry forever, "
        "backing off 1, 2, 4 … 30 s)",
    )
    broker.add_argument(
        "--dry-run", action="store_true", help="print the messages instead of publishing them"
    )

    pad = parser.add_argument_group("pad")
    pad.add_argument(
        "--prefix",
        default=topics.DEFAULT_PREFIX,
        help=f"topic prefix (default {topics.DEFAULT_PREFIX})",
    )
    pad.add_argument(
        "--pad-id",
        action="append",
        type=_pad_id,
        help="pad id, [a-z0-9_-]{1,32}; repeat for several pads (default pad1)",
    )
    pad.add_argument(
        "--pads",
        type=int,
        default=None,
        help="number of pads to simulate at once (ids pad1, pad2, … after any --pad-id); "
        "each gets seed+index and its own MQTT connection",
    )
    pad.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE_HZ,
        help=f"sampling rate, Hz (default {DEFAULT_RATE_HZ:g})",
    )
    pad.add_argument(
        "--samples-per-frame",
        type=int,
        default=DEFAULT_SAMPLES_PER_FRAME,
        help=f"samples per full-rate frame (1-{messages.MAX_SAMPLES_PER_FRAME})",
    )
    pad.add_argument(
        "--width-mm",
        type=float,
        default=WII_BALANCE_BOARD.width_mm,
        help=f"left-right cell spacing (default {WII_BALANCE_BOARD.width_mm:g})",
    )
    pad.add_argument(
        "--depth-mm",
        type=float,
        default=WII_BALANCE_BOARD.depth_mm,
        help=f"front-back cell spacing (default {WII_BALANCE_BOARD.depth_mm:g})",
    )
    pad.add_argument(
        "--drop-rate", type=float, default=0.0, help="fraction of frames lost (QoS 0), 0-1"
    )
    pad.add_argument(
        "--dup-rate", type=float, default=0.0, help="fraction of frames sent twice, 0-1"
    )
    pad.add_argument(
        "--no-noise",
        action="store_true",
        help="no cell noise, drift, missed readings or send delay",
    )
    pad.add_argument(
        "--t0-ms",
        type=int,
        default=DEFAULT_T0_MS,
        help="device clock at the first sample (e.g. 4294960000 to see the 2^32 ms wrap)",
    )

    faults = parser.add_argument_group("faults (docs/simulator.md)")
    faults.add_argument(
        "--reboot-at",
        type=float,
        default=None,
        metavar="SECONDS",
        help="the pad reboots then: silent 1.5 s, online and info again, seq and clock restart",
    )
    faults.add_argument(
        "--clock-jump-at", type=float, default=None, metavar="SECONDS", help="the clock jumps then"
    )
    faults.add_argument(
        "--clock-jump",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="how far the clock jumps (negative: back); seq goes on",
    )
    faults.add_argument(
        "--reorder-rate", type=float, default=0.0, help="fraction of frames swapped with the next"
    )
    faults.add_argument(
        "--late-rate",
        type=float,
        default=0.0,
        help=f"fraction of frames held back {LATE_BY_S:g} s (beyond the receiver's late window)",
    )
    faults.add_argument(
        "--client-id",
        default=None,
        help="MQTT client id (default: unique per run); two runs with the same one throw each "
        "other off the broker, like two pads with a copied configuration",
    )

    person = parser.add_argument_group("scenario")
    person.add_argument(
        "--scenario", choices=SCENARIOS, default="daily-check", help="what happens on the pad"
    )
    person.add_argument(
        "--weight-kg",
        type=float,
        default=DEFAULT_WEIGHT_KG,
        help=f"body weight (default {DEFAULT_WEIGHT_KG:g})",
    )
    person.add_argument(
        "--cap",
        type=float,
        default=DEFAULT_CAP_S,
        help=f"test cap, s: timed stances are held until just past it (default {DEFAULT_CAP_S:g})",
    )
    person.add_argument(
        "--lose-balance-at",
        type=float,
        default=None,
        metavar="SECONDS",
        help="put the foot down this long after lifting it (the hold time) instead of holding "
        "to the cap",
    )
    person.add_argument(
        "--duration", type=float, default=None, help="length of idle / quiet / step stances, s"
    )
    person.add_argument(
        "--household-weights",
        type=_weights,
        default=HOUSEHOLD_WEIGHTS_KG,
        help="household scenario: comma-separated weights, kg",
    )
    person.add_argument(
        "--sls-trials",
        type=int,
        default=None,
        help=f"daily-check: single-leg trials per leg, {MIN_TRIALS}-{MAX_TRIALS} "
        f"(default 1, or {MAX_TRIALS} with --lose-balance-at)",
    )
    person.add_argument(
        "--no-lift",
        action="store_true",
        help="sls-left, sls-right, daily-check: the person never lifts a foot (each single-leg "
        "test times out with them standing on both feet)",
    )
    person.add_argument("--replay", help="Santos & Duarte 2016 trial file for --scenario replay")
    person.add_argument("--seed", type=int, default=0, help="random seed: same seed, same run")
    person.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="time factor: 1 real time, 10 ten times faster, 0 as fast as possible",
    )
    person.add_argument("--loop", action="store_true", help="repeat the scenario until Ctrl-C")
    person.add_argument(
        "--lead-in",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="empty pad before the scenario (time to start a test first)",
    )
    return parser
