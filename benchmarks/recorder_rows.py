"""Rows Home Assistant's recorder wrote during a benchmark window, and what that makes per pad-day.

Counted straight from the database (SQLite file or PostgreSQL, through SQLAlchemy, which Home
Assistant ships) after Home Assistant stopped, so everything it wrote is committed:

- `states`: rows whose `last_updated_ts` lies in the window, by entity;
- `state_attributes`: attribute rows first used by a state in the window, by that entity;
- `events`: rows fired in the window, by event type (the benchmark's own calls of the probe
  excluded);
- `statistics`, `statistics_short_term`: rows created in the window, by statistic id (the
  recorder's own compiles of sensors, and external statistics such as the trends').

`per_pad_day` turns the window into rows per pad per day, as the README explains: the standing
pads' rate × 86,400 s, plus two daily checks at the check pads' rate × the length of one check,
plus the long-term statistics every sensor with a state class and a number costs each day (one
short-term row per 5 minutes, 288, and one hourly row, 24, whatever the state does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text

DOMAIN = "retro_balance"
SECONDS_PER_DAY = 86_400
STATISTICS_ROWS_PER_DAY = 288 + 24
"""A sensor with a state class and a numeric state: 5-minute rows plus hourly rows, every day."""

STATES = """
SELECT m.entity_id, COUNT(*) FROM states s JOIN states_meta m ON s.metadata_id = m.metadata_id
WHERE s.last_updated_ts >= :start AND s.last_updated_ts < :end GROUP BY m.entity_id
"""
ATTRIBUTES = """
SELECT m.entity_id, COUNT(*) FROM (
    SELECT attributes_id, MIN(last_updated_ts) AS first_ts, MIN(metadata_id) AS metadata_id
    FROM states WHERE attributes_id IS NOT NULL GROUP BY attributes_id
) f JOIN states_meta m ON f.metadata_id = m.metadata_id
WHERE f.first_ts >= :start AND f.first_ts < :end GROUP BY m.entity_id
"""
EVENTS = """
SELECT t.event_type, COUNT(*) FROM events e JOIN event_types t ON e.event_type_id = t.event_type_id
LEFT JOIN event_data d ON e.data_id = d.data_id
WHERE e.time_fired_ts >= :start AND e.time_fired_ts < :end
AND NOT (t.event_type = 'call_service' AND d.shared_data LIKE '%load_probe%')
GROUP BY t.event_type
"""
STATISTICS = """
SELECT m.statistic_id, COUNT(*) FROM {table} s JOIN statistics_meta m ON s.metadata_id = m.id
WHERE s.created_ts >= :start AND s.created_ts < :end GROUP BY m.statistic_id
"""


@dataclass(frozen=True, kw_only=True)
class WindowRows:
    """Rows written in a window, by table and key (entity, event type or statistic id)."""

    states: Counter[str]
    attributes: Counter[str]
    events: Counter[str]
    statistics: Counter[str]
    short_term: Counter[str]

    def totals(self) -> dict[str, int]:
        """Rows per table."""
        return {
            "states": self.states.total(),
            "state_attributes": self.attributes.total(),
            "events": self.events.total(),
            "statistics": self.statistics.total(),
            "statistics_short_term": self.short_term.total(),
        }


def count_rows(db_url: str, start_s: float, end_s: float) -> WindowRows:
    """Count what the recorder wrote between two epoch times."""
    engine = create_engine(db_url)
    window = {"start": start_s, "end": end_s}
    try:
        with engine.connect() as connection:

            def counted(query: str) -> Counter[str]:
                # Every query selects (key, COUNT(*)); tuples() only tells the type checker so.
                rows: Sequence[tuple[str, int]] = (
                    connection.execute(text(query), window).tuples().all()
                )
                return Counter(dict(rows))

            return WindowRows(
                states=counted(STATES),
                attributes=counted(ATTRIBUTES),
                events=counted(EVENTS),
                statistics=counted(STATISTICS.format(table="statistics")),
                short_term=counted(STATISTICS.format(table="statistics_short_term")),
            )
    finally:
        engine.dispose()


@dataclass(frozen=True, kw_only=True)
class PadDay:
    """Rows per pad per day, by table, split into what makes them."""

    streaming: dict[str, float]
    """A pad with someone on it all day (its own entities)."""
    per_check: dict[str, float]
    """One daily check (the pad's and its person's entities, idle time between checks included)."""
    statistics_pad: int
    statistics_person: int
    notes: list[str] = field(default_factory=list)

    def total(self, checks: int = 2) -> float:
        """Streaming all day, `checks` daily checks, and the statistics of pad and person."""
        return (
            sum(self.streaming.values())
            + checks * sum(self.per_check.values())
            + self.statistics_pad
            + self.statistics_person
        )


def per_pad_day(
    rows: WindowRows,
    *,
    window_s: float,
    owners: dict[str, tuple[str, bool]],
    standing_entries: set[str],
    check_entries: set[str],
    check_length_s: float,
    statistic_sensors: dict[str, tuple[str, bool]],
    checks_in_window: int,
) -> PadDay:
    """Extrapolate a window to a day: see the module docstring.

    `owners`: entity id → (config entry id, is a person's); `statistic_sensors`: the sensors
    with a state class and a numeric state at the end of the run, the same way. External
    statistics (ids `domain:…`, the trends' rows written when a check is stored) and the
    integration's own events count per check: those written in the window over
    `checks_in_window`; other events (Home Assistant's own) per pad-second.
    """

    def rate(counter: Counter[str], entries: set[str]) -> float:
        if not entries:
            return 0.0
        rows_in = sum(n for key, n in counter.items() if owners.get(key, ("", False))[0] in entries)
        return rows_in / (len(entries) * window_s)

    streaming = {
        "states": rate(rows.states, standing_entries) * SECONDS_PER_DAY,
        "state_attributes": rate(rows.attributes, standing_entries) * SECONDS_PER_DAY,
    }
    external = sum(
        n
        for table in (rows.statistics, rows.short_term)
        for statistic_id, n in table.items()
        if ":" in statistic_id
    )
    per_check = {
        "states": rate(rows.states, check_entries) * check_length_s,
        "state_attributes": rate(rows.attributes, check_entries) * check_length_s,
        "external statistics": external / checks_in_window if checks_in_window else 0.0,
    }
    pads = len(standing_entries | check_entries)
    ours = sum(n for event_type, n in rows.events.items() if event_type.startswith(DOMAIN))
    streaming["events"] = (rows.events.total() - ours) / max(pads, 1) / window_s * SECONDS_PER_DAY
    per_check["events"] = ours / checks_in_window if checks_in_window else 0.0
    notes = []
    if not standing_entries:
        notes.append("no standing pad in this run: streaming rows not measured")
    by_entry_pad = Counter(entry for entry, person in statistic_sensors.values() if not person)
    by_entry_person = Counter(entry for entry, person in statistic_sensors.values() if person)
    all_entries = standing_entries | check_entries
    pad_stats = max((by_entry_pad[e] for e in all_entries), default=0)
    person_stats = max((by_entry_person[e] for e in check_entries), default=0)
    return PadDay(
        streaming=streaming,
        per_check=per_check,
        statistics_pad=pad_stats * STATISTICS_ROWS_PER_DAY,
        statistics_person=person_stats * STATISTICS_ROWS_PER_DAY,
        notes=notes,
    )
