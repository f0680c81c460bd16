"""The host firmware as a process: started and stopped around a check, its log and chip reports.

Part of check_host_firmware.py (scripts/check-firmware), run with the project's .venv.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from devtools.firmware import firmware
from devtools.processes import ManagedProcess, wait_until

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CHIP_REPORT = re.compile(
    r"HX711 (?P<cell>\w+): (?P<conversions>\d+) conversions, (?P<reads>\d+) read, \d+ lost, "
    r"(?P<dropped>\d+) dropped during a read, (?P<other>\d+) other pulse counts, "
    r"(?P<busy>\d+) busy clocks, (?P<long>\d+) clock highs > 60 us"
)


class Firmware:
    """The firmware process and its log."""

    def __init__(self, process: ManagedProcess) -> None:
        """Wrap a started process."""
        self.process = process

    def log(self) -> str:
        """Return the log so far, without colour codes."""
        return ANSI.sub("", self.process.log_path.read_text(errors="replace"))

    def wait_for_log(self, text: str, timeout_s: float, after: int = 0) -> int:
        """Wait for `text` in the log after offset `after`; return the offset past it."""

        def found() -> int | None:
            index = self.log().find(text, after)
            return index + len(text) if index >= 0 else None

        return wait_until(
            found, what=f"{text!r} in the firmware's log", timeout_s=timeout_s, details=self.tail
        )

    def tail(self) -> str:
        """Return the end of the log, for failures."""
        return self.process.log_tail(30)

    def chip_reports(self) -> dict[str, dict[str, int]]:
        """Return the bench's last report per chip."""
        reports: dict[str, dict[str, int]] = {}
        for match in CHIP_REPORT.finditer(self.log()):
            values = match.groupdict()
            cell = values.pop("cell")
            reports[cell] = {key: int(value) for key, value in values.items()}
        return reports


@contextlib.contextmanager
def running(
    port: int, log: Path, *, four_clocks: bool = False, prefs: Path | None = None
) -> Iterator[Firmware]:
    """Start the firmware; make sure it is gone afterwards."""
    process = firmware(port, log, four_clocks=four_clocks, prefs=prefs)
    process.start()
    try:
        yield Firmware(process)
    finally:
        process.stop(timeout_s=10)
