"""Reading any layout of a pad's storage file, and the whole sessions of a damaged one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.retro_balance.storage_layout import read_layout, salvage_sessions

RECORD = {"session_id": "a" * 32, "started_at": "2026-01-02T00:00:00+00:00"}
OLDER = {"session_id": "b" * 32, "started_at": "2026-01-01T00:00:00+00:00"}


def test_current_layout() -> None:
    layout = read_layout({"sessions": [RECORD], "quarantine": ["x"]}, labelled_major=2)
    assert (layout.sessions, layout.quarantine, layout.problems) == ([RECORD], ["x"], [])


def test_version_1_is_migrated_oldest_first_with_its_person() -> None:
    layout = read_layout(
        {"history": {"anna": [RECORD, "junk"], "ben": [OLDER], "carl": "nope"}, "other": 1},
        labelled_major=1,
    )
    assert layout.sessions == [{**OLDER, "person_id": "ben"}, {**RECORD, "person_id": "anna"}]
    assert layout.quarantine == ["junk", {"person_id": "carl", "records": "nope"}, {"other": 1}]


def test_version_1_history_that_is_no_object() -> None:
    layout = read_layout({"history": [RECORD]}, labelled_major=1)
    assert layout.sessions == []
    assert layout.quarantine == [{"history": [RECORD]}]


def test_a_version_2_label_on_version_1_data_is_read_as_1() -> None:
    layout = read_layout({"history": {"anna": [RECORD]}}, labelled_major=2)
    assert layout.sessions == [{**RECORD, "person_id": "anna"}]
    assert layout.problems == ["labelled version 2 but holds the version 1 layout; read as 1"]


@pytest.mark.parametrize("data", [None, 5, "text", [RECORD]])
def test_data_that_is_no_object_is_kept_whole(data: Any) -> None:
    layout = read_layout(data, labelled_major=None)
    assert (layout.sessions, layout.quarantine) == ([], [data])
    assert layout.problems


def test_salvage_reads_a_whole_file_too() -> None:
    text = json.dumps({"version": 2, "data": {"sessions": [RECORD]}})
    assert salvage_sessions(text) == [RECORD]
    assert salvage_sessions(json.dumps({"sessions": [OLDER]})) == [OLDER]
    assert salvage_sessions("[1]") == []


def test_salvage_stops_at_the_record_that_was_cut_off() -> None:
    text = json.dumps({"version": 2, "data": {"sessions": [RECORD, OLDER, RECORD]}})
    cut = text.rindex('"started_at"')
    assert salvage_sessions(text[:cut]) == [RECORD, OLDER]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param('{"version": 2, "data": {"quar', id="before-the-sessions"),
        pytest.param('{"data": {"sessions": [', id="empty-list-cut"),
    ],
)
def test_salvage_of_nothing(text: str) -> None:
    assert salvage_sessions(text) == []


def test_salvage_to_the_end_of_a_closed_list_in_a_broken_file() -> None:
    text = '{"version": 2, "data": {"sessions": [' + json.dumps(RECORD) + '], "quarantine": [tru'
    assert salvage_sessions(text) == [RECORD]
