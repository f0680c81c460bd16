"""Shared test configuration.

`custom_components` must be imported before Home Assistant's test plugin puts its own
`custom_components` package (from its testing config) on the path, or our integration is shadowed.
"""

import custom_components  # noqa: F401  # isort: skip

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared_data() -> Path:
    """The public reference recordings beside the repository (skipped when absent)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"reference data not found at {SHARED_DATA} (only present beside the development repo)"
        )
    return SHARED_DATA
