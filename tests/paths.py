"""Where the tests find the repository, their fixtures and the shared reference data."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED_DATA = REPO.parent / "shared" / "data"
"""The public recordings beside the repository (never copied into it)."""
