"""The person subentry flow: add or change someone who uses the pad.

With two or more people on a pad, the pad tells them apart by weight, so everyone needs a weight
range and no two may overlap (`engine.clinical.weight_ranges`); a change that would break that is
refused with everyone's ranges in the message, before any check is stored unassigned. While
someone stands on the pad, "use the weight on the pad now" fills in a range around their weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)

from .const import (
    CONF_BASELINE_FROM,
    CONF_BIRTH_YEAR,
    CONF_NAME,
    CONF_SEX,
    CONF_USE_PAD_WEIGHT,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
    LOGGER,
    SUBENTRY_PERSON,
)
from .data import RetroBalanceData
from .engine.clinical.norms import Sex
from .engine.clinical.people import (
    DEFAULT_SEX,
    MAX_PERSON_WEIGHT_KG,
    MIN_BIRTH_YEAR,
    MIN_PERSON_WEIGHT_KG,
    PersonProfile,
)
from .engine.clinical.weight_ranges import (
    RANGE_STEP_KG,
    RangeProblem,
    RangeProblemKind,
    suggested_range,
    weight_range_problems,
)
from .settings import NO_RANGE, describe_ranges, person_profile

if TYPE_CHECKING:
    from .data import RetroBalanceData

NEW_PERSON_ID = "new"
"""The id of a person being added, for the checks (the subentry id comes later)."""


def _person_schema(defaults: Mapping[str, Any], pad_weight_kg: float | None) -> vol.Schema:
    """Return the form; `defaults` are suggested, so that optional fields can be emptied."""

    def field(key: str, marker: type[vol.Marker] = vol.Optional) -> vol.Marker:
        if defaults.get(key) is None:
            return marker(key)
        return marker(key, description={"suggested_value": defaults[key]})

    weight = NumberSelector(
        NumberSelectorConfig(
            min=MIN_PERSON_WEIGHT_KG,
            max=MAX_PERSON_WEIGHT_KG,
            step=RANGE_STEP_KG,
            unit_of_measurement="kg",
            mode=NumberSelectorMode.BOX,
        )
    )
    schema: dict[vol.Marker, Any] = {
        field(CONF_NAME, vol.Required): TextSelector(),
        # Optional in the schema, required by `_validate`: a required number field would be
        # pre-filled with its minimum (1900) by the frontend.
        field(CONF_BIRTH_YEAR): NumberSelector(
            NumberSelectorConfig(
                min=MIN_BIRTH_YEAR, max=date.today().year, step=1, mode=NumberSelectorMode.BOX
            )
        ),
        vol.Required(CONF_SEX, default=defaults.get(CONF_SEX, DEFAULT_SEX.value)): SelectSelector(
            SelectSelectorConfig(options=[sex.value for sex in Sex], translation_key=CONF_SEX)
        ),
        field(CONF_WEIGHT_MIN_KG): weight,
        field(CONF_WEIGHT_MAX_KG): weight,
    }
    if pad_weight_kg is not None:
        schema[vol.Optional(CONF_USE_PAD_WEIGHT, default=False)] = BooleanSelector()
    return vol.Schema(schema)


class PersonSubentryFlow(ConfigSubentryFlow):
    """Add or change a person who uses the pad."""

    def _others(self, own_subentry_id: str | None) -> list[PersonProfile]:
        return [
            person_profile(subentry)
            for subentry in self._get_entry().subentries.values()
            if subentry.subentry_type == SUBENTRY_PERSON and subentry.subentry_id != own_subentry_id
        ]

    def _pad_weight_kg(self) -> float | None:
        """Return the weight of whoever stands on the pad now (None: nobody, or not loaded)."""
        entry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return None
        data: RetroBalanceData = entry.runtime_data
        return data.coordinator.data.pad.occupant_weight_kg

    def _validate(
        self, user_input: Mapping[str, Any], own_subentry_id: str | None
    ) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """Return the subentry data, the errors, and the names an error message needs."""
        name = str(user_input[CONF_NAME]).strip()
        birth_year = user_input.get(CONF_BIRTH_YEAR)
        data: dict[str, Any] = {
            CONF_NAME: name,
            CONF_BIRTH_YEAR: None if birth_year is None else int(birth_year),
            CONF_SEX: user_input[CONF_SEX],
            CONF_WEIGHT_MIN_KG: user_input.get(CONF_WEIGHT_MIN_KG),
            CONF_WEIGHT_MAX_KG: user_input.get(CONF_WEIGHT_MAX_KG),
        }
        others = self._others(own_subentry_id)
        errors: dict[str, str] = {}
        if not name:
            errors[CONF_NAME] = "invalid_name"
        elif any(other.name.casefold() == name.casefold() for other in others):
            errors[CONF_NAME] = "name_exists"
        if birth_year is None:
            errors[CONF_BIRTH_YEAR] = "birth_year_missing"
        low, high = data[CONF_WEIGHT_MIN_KG], data[CONF_WEIGHT_MAX_KG]
        if (low is None) != (high is None):
            errors["base"] = "weight_range_incomplete"
        elif low is not None and high is not None and low >= high:
            errors[CONF_WEIGHT_MAX_KG] = "invalid_weight_range"
        if errors:
            return data, errors, {}
        try:
            profile = PersonProfile(
                person_id=own_subentry_id or NEW_PERSON_ID,
                name=name,
                birth_year=data[CONF_BIRTH_YEAR],
                sex=Sex(data[CONF_SEX]),
                weight_min_kg=low,
                weight_max_kg=high,
            )
        except ValueError as err:
            LOGGER.debug("Person refused by the engine: %s", err)
            return data, {"base": "invalid_person"}, {}
        return data, *_range_errors(profile, others)

    def _form(
        self,
        step_id: str,
        defaults: Mapping[str, Any],
        own_subentry_id: str | None,
        errors: dict[str, str] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> SubentryFlowResult:
        pad_weight_kg = self._pad_weight_kg()
        return self.async_show_form(
            step_id=step_id,
            data_schema=_person_schema(defaults, pad_weight_kg),
            errors=errors or {},
            description_placeholders={
                "ranges": describe_ranges(self._others(own_subentry_id)),
                "pad_weight": NO_RANGE if pad_weight_kg is None else f"{pad_weight_kg:.1f} kg",
                "people": NO_RANGE,
                **(names or {}),
            },
        )

    def _with_pad_weight(self, user_input: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Fill in a range around the weight on the pad now (an error when nobody is on it)."""
        defaults = {key: value for key, value in user_input.items() if key != CONF_USE_PAD_WEIGHT}
        pad_weight_kg = self._pad_weight_kg()
        if pad_weight_kg is None:
            return defaults, {CONF_USE_PAD_WEIGHT: "pad_empty"}
        low, high = suggested_range(pad_weight_kg)
        return defaults | {CONF_WEIGHT_MIN_KG: low, CONF_WEIGHT_MAX_KG: high}, {}

    def _submitted(
        self, step_id: str, user_input: dict[str, Any] | None, own_subentry_id: str | None
    ) -> tuple[dict[str, Any] | None, SubentryFlowResult | None]:
        """Validate a submitted form: the data to save, or the form to show again."""
        if user_input is None:
            return None, None
        if user_input.get(CONF_USE_PAD_WEIGHT):
            defaults, errors = self._with_pad_weight(user_input)
            return None, self._form(step_id, defaults, own_subentry_id, errors)
        data, errors, names = self._validate(user_input, own_subentry_id)
        if errors:
            return None, self._form(step_id, user_input, own_subentry_id, errors, names)
        return data, None

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a person."""
        data, form = self._submitted("user", user_input, None)
        if data is not None:
            return self.async_create_entry(title=data[CONF_NAME], data=data)
        return form or self._form("user", {}, None)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a person's details (their stored results are kept)."""
        subentry = self._get_reconfigure_subentry()
        data, form = self._submitted("reconfigure", user_input, subentry.subentry_id)
        if data is not None:
            # Not on the form: set by an action, kept when the details change.
            kept = {
                key: subentry.data[key] for key in (CONF_BASELINE_FROM,) if key in subentry.data
            }
            return self.async_update_and_abort(
                self._get_entry(), subentry, title=data[CONF_NAME], data=data | kept
            )
        return form or self._form("reconfigure", subentry.data, subentry.subentry_id)


def _range_errors(
    person: PersonProfile, others: list[PersonProfile]
) -> tuple[dict[str, str], dict[str, str]]:
    """Refuse what this person's range adds to the weight-range problems, naming who it concerns.

    Problems among the others alone (people set up before the form refused them) are not this
    person's to fix: a repair issue shows them.
    """
    before = set(weight_range_problems(others))
    new = [problem for problem in weight_range_problems([*others, person]) if problem not in before]
    if not new:
        return {}, {}
    names = {other.person_id: other.name for other in others}
    if any(p.kind is RangeProblemKind.MISSING and p.person_id == person.person_id for p in new):
        return {"base": "weight_range_needed"}, {}
    overlaps = [p for p in new if p.kind is RangeProblemKind.OVERLAP]
    if overlaps:
        return {"base": "weight_range_overlaps"}, {"people": _concerned(overlaps, person, names)}
    return {"base": "others_without_range"}, {"people": _concerned(new, person, names)}


def _concerned(
    problems: list[RangeProblem], person: PersonProfile, names: Mapping[str, str]
) -> str:
    """Return the other people these problems concern, by name."""
    ids = {p.person_id for p in problems} | {p.other_id for p in problems if p.other_id is not None}
    return ", ".join(sorted(names[person_id] for person_id in ids - {person.person_id}))
