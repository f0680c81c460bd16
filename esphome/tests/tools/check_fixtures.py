"""Compare the firmware's C++ encoder and command parser with the protocol's golden fixtures.

Usage: check_fixtures.py ENCODE_TOOL FIXTURES_DIR. For every fixture under FIXTURES_DIR/valid
the firmware must produce an equal JSON document (byte for byte when the fixture is canonical)
and accept every valid command; it must reject every command under FIXTURES_DIR/invalid.
Prints one summary line; exits 1 on any mismatch.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Required, TypedDict

FRAME_KEYS = ("v", "seq", "t_ms", "rate_hz", "cells")
INFO_KEYS = ("v", "model", "fw", "rate_hz", "width_mm", "depth_mm", "cells", "unit")


class Fixture(TypedDict, total=False):
    """One golden message, as tests/fixtures/protocol/README.md describes its fields."""

    topic_kind: Required[str]
    description: str
    payload_text: str
    payload_hex: str
    payload: Any  # a JSON value
    canonical: bool
    expected: dict[str, Any]
    reason: str


def _load(value: float | None) -> str:
    return "null" if value is None else repr(float(value))


def request_for(fixture: Fixture) -> str | None:
    """Build the encode_tool request line that should reproduce a fixture (None: not ours)."""
    kind = fixture["topic_kind"]
    if kind == "cmd":  # an invalid command may come as payload_text only
        text = fixture.get("payload_text") or json.dumps(
            fixture.get("payload"), separators=(",", ":")
        )
        return f"cmd {text}"
    if kind not in ("frames", "info", "button"):
        return None
    payload = fixture["payload"]  # every valid JSON case has one
    if kind == "frames":
        loads = " ".join(_load(value) for sample in payload["cells"] for value in sample)
        return (
            f"frame {payload['seq']} {payload['t_ms']} {payload['rate_hz']} "
            f"{len(payload['cells'])} {loads}"
        )
    if kind == "info":
        fields = [payload["model"], payload["fw"]] + [
            str(payload[key]) for key in ("rate_hz", "width_mm", "depth_mm")
        ]
        return "info " + "\t".join(fields)
    return f"button {payload['press']}"


def expected_answer(fixture: Fixture) -> dict[str, Any] | str:
    """Return what the firmware must answer for a valid fixture (JSON document or command)."""
    kind = fixture["topic_kind"]
    payload = fixture["payload"]
    if kind == "frames":
        return {key: payload[key] for key in FRAME_KEYS}
    if kind == "info":
        return {key: payload[key] for key in INFO_KEYS}
    if kind == "button":
        return {"v": 1, "press": payload["press"]}
    expected = fixture["expected"]
    return "tare" if expected["cmd"] == "tare" else f"cue {expected['cue']}"


# The firmware writes loads with 3 decimals, rate_hz with 2 and pad sizes with 1
# (docs/protocol.md); a non-canonical fixture may carry more, so compare to that resolution.
TOLERANCE = {"cells": 0.0005, "rate_hz": 0.005, "width_mm": 0.05, "depth_mm": 0.05}


def same(got: Any, want: Any, tolerance: float = 0.0) -> bool:
    """Compare two JSON documents, numbers within `tolerance` (per key, see TOLERANCE)."""
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and got.keys() == want.keys()
            and all(same(got[key], want[key], TOLERANCE.get(key, 0.0)) for key in want)
        )
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(same(g, w, tolerance) for g, w in zip(got, want, strict=True))
        )
    if isinstance(want, int | float) and not isinstance(want, bool):
        return (
            isinstance(got, int | float)
            and not isinstance(got, bool)
            and abs(got - want) <= tolerance + 1e-12
        )
    return bool(got == want)


def main() -> int:
    """Run every fixture through the tool; report mismatches."""
    tool, fixtures_dir = sys.argv[1], Path(sys.argv[2])
    cases: list[tuple[Path, Fixture, str, bool]] = []
    for valid in (True, False):
        folder = fixtures_dir / ("valid" if valid else "invalid")
        for path in sorted(folder.glob("*.json")):
            fixture: Fixture = json.loads(path.read_text(encoding="utf-8"))
            if not valid and fixture["topic_kind"] != "cmd":
                continue  # the firmware only parses commands
            request = request_for(fixture)
            if request is not None:
                cases.append((path, fixture, request, valid))
    answers = subprocess.run(
        [tool],
        input="".join(request + "\n" for _, _, request, _ in cases),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    failures = []
    for (path, fixture, _, valid), answer in zip(cases, answers, strict=True):
        if not valid:
            if not answer.startswith("invalid "):
                failures.append(f"{path.name}: accepted an invalid command ({answer})")
            continue
        expected = expected_answer(fixture)
        if fixture["topic_kind"] == "cmd":
            if answer != expected:
                failures.append(f"{path.name}: got {answer!r}, want {expected!r}")
            continue
        if not same(json.loads(answer), expected):
            failures.append(f"{path.name}: JSON differs:\n  got  {answer}\n  want {expected}")
        elif fixture.get("canonical") and answer != fixture["payload_text"]:
            failures.append(
                f"{path.name}: bytes differ:\n  got  {answer}\n  want {fixture['payload_text']}"
            )
    for failure in failures:
        print(failure, file=sys.stderr)
    print(
        f"firmware: {len(cases) - len(failures)} of {len(cases)} protocol fixtures match "
        "the C++ encoder/parser"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
