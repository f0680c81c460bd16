"""tests/needs.py: a missing outside part skips a test locally and fails it in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import conftest, paths
from tests.needs import in_ci, missing


@pytest.mark.parametrize(
    ("value", "ci"), [("true", True), ("1", True), ("", False), ("false", False), ("0", False)]
)
def test_ci_is_recognised(monkeypatch: pytest.MonkeyPatch, value: str, ci: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is ci


def test_missing_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^mosquitto is not installed$"):
        missing("mosquitto is not installed", remedy="scripts/ensure-services")


def test_missing_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"mosquitto is not installed \(scripts/"):
        missing("mosquitto is not installed", remedy="scripts/ensure-services")


def test_shared_data_fixture_fails_in_ci_when_the_data_is_absent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paths, "SHARED_DATA", tmp_path / "nowhere")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="reference data not found"):
        conftest.find_shared_data()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="reference data not found"):
        conftest.find_shared_data()
    monkeypatch.setattr(paths, "SHARED_DATA", tmp_path)
    assert conftest.find_shared_data() == tmp_path
