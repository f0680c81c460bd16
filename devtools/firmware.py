"""The pad's real firmware on this machine as a managed process, and what its bench does.

`scripts/firmware-host` builds the unchanged ESPHome component for ESPHome's host platform with four
simulated HX711 and a scripted person (esphome/tests/host/, docs/hardware.md "The firmware on this
machine"). The person's script and the chips' drift are read from esphome/tests/host/bench.yaml and
the pad's id and topic prefix from esphome/balance-pad.yaml, so a check's expectations are the
very numbers the firmware was built with. Used by tests/e2e/test_firmware.py and by
esphome/tests/tools/check_host_firmware.py (scripts/check-firmware).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .processes import LOCALHOST, HarnessError, ManagedProcess

REPO = Path(__file__).resolve().parents[1]
FIRMWARE_HOST = REPO / "scripts" / "firmware-host"
BENCH_YAML = REPO / "esphome" / "tests" / "host" / "bench.yaml"
PAD_YAML = REPO / "esphome" / "balance-pad.yaml"
BUILD_TIMEOUT_S = 1800.0
"""A first build takes about half a minute on a 2-core machine (docs/hardware.md); this is slack."""


@dataclass(frozen=True, kw_only=True)
class BenchPerson:
    """The scripted person of bench.yaml: one loop of phases from the firmware's start."""

    mass_kg: float
    stance_leg: str
    phases_s: dict[str, float]

    @property
    def loop_s(self) -> float:
        """The length of one loop (it repeats while the firmware runs)."""
        return sum(self.phases_s.values())

    @property
    def hold_s(self) -> float:
        """The scripted single-leg time: foot off the floor until it starts to come down."""
        return self.phases_s["hold"]

    def start_s(self, phase: str) -> float:
        """When `phase` begins, from the start of a loop."""
        names = list(self.phases_s)
        return sum(self.phases_s[name] for name in names[: names.index(phase)])

    @property
    def test(self) -> str:
        """The stance test the scripted hold is (`single_leg_left` or `single_leg_right`)."""
        return f"single_leg_{self.stance_leg}"


@dataclass(frozen=True, kw_only=True)
class Bench:
    """The chips' drift and the person of esphome/tests/host/bench.yaml."""

    zero_drift_kg: tuple[float, ...]
    person: BenchPerson


def load_bench() -> Bench:
    """Read bench.yaml."""
    data = yaml.safe_load(BENCH_YAML.read_text())
    person = data["person"]
    return Bench(
        zero_drift_kg=tuple(float(v) for v in data["chips"]["zero_drift_kg"]),
        person=BenchPerson(
            mass_kg=float(person["mass_kg"]),
            stance_leg=str(person["stance_leg"]),
            phases_s={name: float(value) for name, value in person["phases_s"].items()},
        ),
    )


class _IgnoreTags(yaml.SafeLoader):
    """Reads an ESPHome file for its plain values; `!secret`, `!include`, … become None."""


_IgnoreTags.add_multi_constructor("!", lambda _loader, _suffix, _node: None)


def _pad_substitutions() -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(PAD_YAML.read_text(), _IgnoreTags)
    substitutions: dict[str, Any] = document["substitutions"]
    return substitutions


def pad_id() -> str:
    """Return the pad id of esphome/balance-pad.yaml, which the host build keeps."""
    return str(_pad_substitutions()["pad_id"])


def pad_topic_base() -> str:
    """`<topic_prefix>/<pad_id>` of esphome/balance-pad.yaml."""
    return f"{_pad_substitutions()['topic_prefix']}/{pad_id()}"


def build_firmware(*, four_clocks: bool = False) -> None:
    """Build the host firmware unless the cached build is current (a clear error on failure)."""
    argv = [str(FIRMWARE_HOST), "--build-only", *(["--four-clocks"] if four_clocks else [])]
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
    )
    if result.returncode != 0:
        raise HarnessError(
            f"{' '.join(argv)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )


def firmware(
    mqtt_port: int, log_path: Path, *, four_clocks: bool = False, prefs: Path | None = None
) -> ManagedProcess:
    """Return the built host firmware on the loopback broker as a managed process (not started)."""
    argv = [str(FIRMWARE_HOST), "--host", LOCALHOST, "--port", str(mqtt_port)]
    if four_clocks:
        argv.append("--four-clocks")
    if prefs is not None:
        argv += ["--prefs", str(prefs)]
    return ManagedProcess("firmware", argv, log_path)
