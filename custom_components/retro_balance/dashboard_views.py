"""The *Balance care* dashboard's views, built from the pads and their people as they are now.

Core cards only, so that it works on any Home Assistant 2025.4 without custom cards:

- **Daily check** (for the person on the pad, phone-sized): the instruction in large type, the
  check's progress and result (markdown with `state_translated`), a big *Start daily check* button
  that presses the pad's button entity, *Cancel*, and who the pad recognises;
- **Balance care** (for the caregiver): per person a score gauge, their results, *Why* — the fall
  risk's reasons, the score's make-up, a check that was not counted, the percentile's meaning — and
  the score over three months on a 0–100 axis; the pad's state and the recent checks;
- **Retro walking** (`dashboard_coach`): per person the walking coach and its calendar;
- one **trend view** per person: the decline flag and its reasons, each measure's change from the
  usual level, and each measure's graph (holds on a 0-to-cap axis, the score on 0–100).

Entities are the ones registered for each pad and person (by unique id, so renamed entity ids
work); the texts come from the translations in Home Assistant's language (`selector.dashboard`,
entity names, test and measure names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .dashboard_cards import (
    CARE_PATH,
    CHECK_PATH,
    Card,
    Member,
    PadPage,
    Texts,
    entity_rows,
    known,
    press,
)
from .dashboard_coach import walking_view
from .engine.detection.stance_result import StanceTest
from .engine.trends.measure import TrendMeasure

DAYS_SHOWN: Final = 90
SCORE_AXIS: Final = {"min_y_axis": 0, "max_y_axis": 100}
HOLDS: Final = {
    TrendMeasure.SINGLE_LEG_LEFT: StanceTest.SINGLE_LEG_LEFT,
    TrendMeasure.SINGLE_LEG_RIGHT: StanceTest.SINGLE_LEG_RIGHT,
    TrendMeasure.TANDEM: StanceTest.TANDEM,
}
"""Trend measures that are hold times (graphed from 0 s to the pad's cap)."""
RESULT_ROWS: Final = (
    "balance_declining",
    "fall_risk",
    "balance_score",
    "balance_for_age",
    "single_leg_left_time",
    "single_leg_right_time",
    "tandem_time",
    "sway_velocity_quiet_eyes_closed",
    "percentile",
    "last_check",
)
PAD_ROWS: Final = (
    "connectivity",
    "pad_state",
    "weight",
    "recognised_person",
    "instruction",
    "check_progress",
    "check_result",
    "person",
    "next_test",
)


def dashboard(pads: Sequence[PadPage], texts: Texts) -> dict[str, Any]:
    """Return the whole dashboard configuration."""
    views = [_check_view(pads, texts), _care_view(pads, texts)]
    if (walking := walking_view(pads, texts)) is not None:
        views.append(walking)
    views += [_trend_view(pad, person, texts) for pad in pads for person in pad.people]
    return {"title": texts("title"), "views": views}


# --- Daily check ---------------------------------------------------------------------------


def _check_view(pads: Sequence[PadPage], texts: Texts) -> Card:
    cards = [_check_stack(pad, texts) for pad in pads]
    if not pads:
        cards = [{"type": "markdown", "content": texts("no_pad")}]
    return {
        "title": texts("check_view"),
        "path": CHECK_PATH,
        "icon": "mdi:human-handsdown",
        "max_columns": 2,
        "cards": cards,
    }


def _check_stack(pad: PadPage, texts: Texts) -> Card:
    found = pad.entities
    cards: list[Card] = []
    if {"instruction", "check_progress", "check_result"} <= set(found):
        cards.append(
            {
                "type": "markdown",
                "content": "\n".join(
                    [
                        f"# {{{{ state_translated('{found['instruction']}') }}}}",
                        f"## {{{{ states('{found['check_progress']}') }}}}",
                        f"### {{{{ states('{found['check_result']}') }}}}",
                    ]
                ),
            }
        )
    for key, icon, height in (
        ("start_daily_check", "mdi:play-circle", "120px"),
        ("cancel_test", "mdi:stop-circle-outline", "40px"),
    ):
        if key in found:
            cards.append(press(found[key], texts.entity(found[key], key), icon, height))
    cards += [
        {"type": "tile", "entity": row["entity"], "name": row["name"]}
        for row in entity_rows(found, ("recognised_person", "pad_state"), texts)
    ]
    return {"type": "vertical-stack", "title": pad.name, "cards": cards}


# --- Balance care --------------------------------------------------------------------------


def _care_view(pads: Sequence[PadPage], texts: Texts) -> Card:
    cards = [_person_stack(pad, person, texts) for pad in pads for person in pad.people]
    cards += [_pad_stack(pad, texts) for pad in pads]
    return {
        "title": texts("care_view"),
        "path": CARE_PATH,
        "icon": "mdi:account-heart-outline",
        "max_columns": 3,
        "cards": cards,
    }


def _person_stack(pad: PadPage, person: Member, texts: Texts) -> Card:
    found = person.entities
    cards: list[Card] = []
    score = found.get("balance_score")
    if score is not None:
        gauge = {
            "type": "gauge",
            "name": f"{person.name} — {texts.entity(score, 'balance_score')}",
            "entity": score,
            "min": 0,
            "max": 100,
            "needle": True,
            "severity": {"red": 0, "yellow": 50, "green": 75},
        }
        cards.append(known(score, gauge))
    rows: list[Card] = entity_rows(found, RESULT_ROWS, texts)
    if "last_check" in found:
        rows[-1]["format"] = "relative"
    cards.append(
        {"type": "entities", "title": person.name, "show_header_toggle": False, "entities": rows}
    )
    cards.append({"type": "markdown", "title": texts("why"), "content": _why(found, texts)})
    if score is not None:
        measure = TrendMeasure.BALANCE_SCORE
        graph = _graph(
            texts("score_graph", name=person.name), person, measure, texts, SCORE_AXIS, trend=False
        )
        # A score is written to the statistics with its session: no empty graph before.
        cards.append(known(score, graph))
    return {"type": "vertical-stack", "cards": cards}


def _why(found: Mapping[str, str], texts: Texts) -> str:
    """Return the reasons and the make-up in words (markdown with templates)."""
    lines: list[str] = []
    sections = (
        ("fall_risk", ("explanation", "trend_explanation"), "state_translated('{}')"),
        # The state as it is: already rounded as shown (`shown_score`), halves up as the
        # frontend rounds (the template's rounding would take 98.5 to 98).
        ("balance_score", ("make_up",), "states('{}', rounded=False, with_unit=True)"),
        ("percentile", ("meaning",), "states('{}', rounded=False, with_unit=True)"),
    )
    for key, attributes, shown in sections:
        if (entity := found.get(key)) is None:
            continue
        lines += [
            f"### {texts.entity(entity, key)}: {{% if has_value('{entity}') %}}"
            f"{{{{ {shown.format(entity)} }}}}{{% else %}}{texts('none_yet')}{{% endif %}}",
            *(
                f"{{% for line in state_attr('{entity}', '{name}') or [] %}}\n"
                f"- {{{{ line }}}}\n{{%- endfor %}}"
                for name in attributes
            ),
        ]
        if key == "balance_score":
            note = f"state_attr('{entity}', 'newest_check_note')"
            lines.append(f"{{% if {note} %}}\n_{{{{ {note} }}}}_\n{{% endif %}}")
        if key == "percentile":
            lines.append(
                f"{{% if not state_attr('{entity}', 'meaning') %}}"
                f"{texts('percentile_note')}{{% endif %}}"
            )
        lines.append("")
    return "\n".join(lines)


def _pad_stack(pad: PadPage, texts: Texts) -> Card:
    found = pad.entities
    rows: list[Card] = entity_rows(found, PAD_ROWS, texts)
    buttons = entity_rows(found, ("start_daily_check", "cancel_test"), texts)
    if buttons:
        rows.append({"type": "buttons", "entities": buttons})
    events = [
        person.entities[key]
        for person in pad.people
        for key in ("test_completed", "balance_trend")
        if key in person.entities
    ]
    events += [found["unassigned_session"]] if "unassigned_session" in found else []
    cards: list[Card] = [
        {"type": "entities", "title": pad.name, "show_header_toggle": False, "entities": rows}
    ]
    if events:
        cards.append(
            {"type": "logbook", "title": texts("recent"), "hours_to_show": 48, "entities": events}
        )
    return {"type": "vertical-stack", "cards": cards}


# --- Trends --------------------------------------------------------------------------------


def _graph(
    title: str,
    person: Member,
    measure: TrendMeasure,
    texts: Texts,
    axis: Mapping[str, float],
    *,
    trend: bool = True,
) -> Card:
    series = [("_baseline", "usual_range"), ("_level", "current_level"), ("", "days_result")]
    if not trend:
        series = [("_baseline", "usual_range"), ("", "days_result")]
    return {
        "type": "statistics-graph",
        "title": title,
        "period": "day",
        "days_to_show": DAYS_SHOWN,
        "chart_type": "line",
        "stat_types": ["mean", "min", "max"],
        **axis,
        "entities": [
            {"entity": person.statistic(measure, suffix), "name": texts(name)}
            for suffix, name in series
        ],
    }


def _trend_view(pad: PadPage, person: Member, texts: Texts) -> Card:
    found = person.entities
    rows: list[Card] = entity_rows(found, ("balance_declining", "fall_risk", "last_check"), texts)
    if rows and rows[-1]["entity"] == found.get("last_check"):
        rows[-1]["format"] = "relative"
    rows.append({"type": "section", "label": texts("change_section")})
    # Under "Change from the usual level" the measure's name says enough.
    rows += [
        {"entity": found[key], "name": texts.option("trend_measure", measure.value)}
        for measure in TrendMeasure
        if (key := f"{measure.value}_change") in found
    ]
    side: list[Card] = [
        {"type": "entities", "title": person.name, "show_header_toggle": False, "entities": rows}
    ]
    if (declining := found.get("balance_declining")) is not None:
        side.append(
            {
                "type": "markdown",
                "title": texts("why"),
                "content": _decline(declining, person, texts),
            }
        )
    graphs: list[Card] = []
    for measure in TrendMeasure:
        name = texts.option("trend_measure", measure.value)
        if measure in HOLDS:
            axis: Mapping[str, float] = {"min_y_axis": 0, "max_y_axis": pad.cap_s}
            title = texts("graph_seconds", measure=name)
        elif measure is TrendMeasure.BALANCE_SCORE:
            axis, title = SCORE_AXIS, name
        else:
            axis, title = {"min_y_axis": 0}, texts("graph_speed", measure=name)
        graphs.append(_graph(title, person, measure, texts, axis))
    return {
        "title": texts("trends_view", name=person.name),
        "path": person.path,
        "icon": "mdi:chart-bell-curve-cumulative",
        "max_columns": 3,
        "cards": [{"type": "vertical-stack", "cards": side}, *graphs],
    }


def _decline(entity: str, person: Member, texts: Texts) -> str:
    reasons = f"state_attr('{entity}', 'explanation')"
    since = f"{{{{ state_attr('{entity}', 'declining_since') }}}}"
    return "\n".join(
        [
            f"{{% set reasons = {reasons} %}}",
            f"{{% if is_state('{entity}', 'on') -%}}",
            texts("declining", name=person.name, since=since),
            "{%- elif reasons -%}",
            texts("decline_suspected"),
            "{%- else -%}",
            texts("no_decline"),
            "{%- endif %}",
            "{% for line in reasons or [] %}",
            "- {{ line }}",
            "{%- endfor %}",
        ]
    )
