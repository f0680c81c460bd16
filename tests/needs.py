"""What a test does when something it needs from outside the repository is missing.

On a developer's machine the test is skipped with the reason; in CI (`CI` set, as every CI
service does) it fails, because there the part must be present and a skip would hide a gap.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """Whether the tests run in CI (`CI` set to anything but empty, 0 or false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def missing(what: str, *, remedy: str) -> NoReturn:
    """Skip the test because `what` is missing, or fail it in CI, saying how to provide it."""
    if in_ci():
        pytest.fail(f"{what} ({remedy})")
    pytest.skip(what)
