"""Reading whatever a pad's storage file holds, without trusting its shape or its label.

`read_layout` turns the `data` part of the file, in any layout this integration ever wrote (or a
damaged one), into the session mappings to read and the parts that could not be read
(quarantined: kept in the file, never shown, never lost). The layout is told by its keys, not by
the version label alone: a file labelled version 1 that holds the version 2 layout is read as
version 2. `salvage_sessions` reads the sessions that are still whole out of the text of a file
that is no JSON any more (e.g. cut off by a crash while it was written).

Layouts: version 2 `{"sessions": [<record>, ...], "quarantine": [...]}`; version 1 (the first
prototype) `{"history": {"<person_id>": [<record without person_id>, ...]}}`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Final

SESSIONS_KEY: Final = "sessions"
QUARANTINE_KEY: Final = "quarantine"
V1_HISTORY_KEY: Final = "history"
_SESSIONS_ARRAY = re.compile(r'"sessions"\s*:\s*\[')


@dataclass(kw_only=True)
class Layout:
    """What a storage file's data holds: records to read, parts set aside, what was odd."""

    sessions: list[Any] = field(default_factory=list)
    """Candidate session records (each still to be checked by `SessionRecord.from_dict`)."""
    quarantine: list[Any] = field(default_factory=list)
    """Parts that could not be read, kept as they were."""
    problems: list[str] = field(default_factory=list)
    """What was wrong with the layout itself, for the log."""


def read_layout(data: object, *, labelled_major: int | None) -> Layout:
    """Read the `data` of a pad's storage file, whatever its shape (see the module docstring)."""
    layout = Layout()
    if not isinstance(data, dict):
        layout.quarantine.append(data)
        layout.problems.append(f"the data is a {type(data).__name__}, not an object")
        return layout
    if V1_HISTORY_KEY in data and SESSIONS_KEY not in data:
        _read_v1(data, layout)
    else:
        _read_v2(data, layout)
    if labelled_major == 1 and SESSIONS_KEY in data:
        layout.problems.append("labelled version 1 but holds the version 2 layout; read as 2")
    if labelled_major == 2 and V1_HISTORY_KEY in data and SESSIONS_KEY not in data:
        layout.problems.append("labelled version 2 but holds the version 1 layout; read as 1")
    return layout


def _read_v2(data: dict[str, Any], layout: Layout) -> None:
    sessions = data.get(SESSIONS_KEY, [])
    if isinstance(sessions, list):
        layout.sessions.extend(sessions)
    else:
        layout.quarantine.append({SESSIONS_KEY: sessions})
        layout.problems.append(f"'sessions' is a {type(sessions).__name__}, not a list")
    quarantine = data.get(QUARANTINE_KEY, [])
    if isinstance(quarantine, list):
        layout.quarantine.extend(quarantine)
    else:
        layout.quarantine.append({QUARANTINE_KEY: quarantine})
        layout.problems.append(f"'quarantine' is a {type(quarantine).__name__}, not a list")
    unknown = set(data) - {SESSIONS_KEY, QUARANTINE_KEY}
    if unknown:
        layout.quarantine.append({key: data[key] for key in sorted(unknown)})
        layout.problems.append(f"unknown keys kept aside: {', '.join(sorted(unknown))}")


def _read_v1(data: dict[str, Any], layout: Layout) -> None:
    history = data[V1_HISTORY_KEY]
    if not isinstance(history, dict):
        layout.quarantine.append(data)
        layout.problems.append("version 1 'history' is not an object")
        return
    records: list[dict[str, Any]] = []
    for person_id, person_records in history.items():
        if not isinstance(person_records, list):
            layout.quarantine.append({"person_id": person_id, "records": person_records})
            continue
        for record in person_records:
            if isinstance(record, dict):
                records.append({**record, "person_id": person_id})
            else:
                layout.quarantine.append(record)
    records.sort(key=lambda record: str(record.get("started_at", "")))
    layout.sessions.extend(records)
    rest = {key: value for key, value in data.items() if key != V1_HISTORY_KEY}
    if rest:
        layout.quarantine.append(rest)


def salvage_sessions(text: str) -> list[Any]:
    """Return the session records still whole in the text of a damaged storage file.

    A file that still parses is read as a layout; otherwise every complete element of its
    `"sessions": [...]` array is read up to the first one that is cut off or broken.
    """
    try:
        whole = json.loads(text)
    except ValueError:
        pass
    else:
        data = whole.get("data", whole) if isinstance(whole, dict) else whole
        return read_layout(data, labelled_major=None).sessions
    match = _SESSIONS_ARRAY.search(text)
    if match is None:
        return []
    decoder = json.JSONDecoder()
    records: list[Any] = []
    position = match.end()
    while True:
        position = _skip(text, position, " \t\r\n,")
        if position >= len(text) or text[position] == "]":
            return records
        try:
            record, position = decoder.raw_decode(text, position)
        except ValueError:
            return records
        records.append(record)


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position
