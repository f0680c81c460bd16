"""Shared test configuration.

`custom_components` must be imported before Home Assistant's test plugin puts its own
`custom_components` package (from its testing config) on the path, or our integration is shadowed.
"""

import custom_components  # noqa: F401  # isort: skip

from pathlib import Path

import pytest

from tests import paths
from tests.needs import missing


def find_shared_data() -> Path:
    """The public reference recordings beside the repository (skip, or fail in CI, if absent)."""
    shared = paths.SHARED_DATA
    if not shared.is_dir():
        missing(
            f"reference data not found at {shared}",
            remedy="CI must provide ../shared/data beside the repository",
        )
    return shared


@pytest.fixture
def shared_data() -> Path:
    """The public reference recordings beside the repository (see `find_shared_data`)."""
    return find_shared_data()
