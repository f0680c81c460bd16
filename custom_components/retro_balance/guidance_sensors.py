"""The guidance sensors of a pad (added by the sensor platform): what the person sees on a screen.

*Instruction* (an enum: its states are translated by the frontend, e.g. "Stand on your left leg,
arms crossed"), *Check progress* ("Test 2 of 4: 10 of 30 s, trial 2 of 3") and *Check result*
("Tandem stance: 30 s — well done", then the check's summary), the last two worded here in Home
Assistant's language (`guidance_texts`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.helpers.translation import async_get_cached_translations
from homeassistant.helpers.typing import StateType

from .const import DOMAIN
from .coordinator import PadCoordinator
from .engine.detection.guidance import Instruction
from .entity import PadEntity
from .guidance_texts import progress_text, result_text
from .reason_texts import CATEGORY
from .snapshot import LivePad


@dataclass(frozen=True, kw_only=True)
class GuidanceSensorDescription(SensorEntityDescription):
    """A guidance sensor: its state from the live pad, worded with the translations if needed."""

    value_fn: Callable[[Mapping[str, str], LivePad], StateType]
    requires_online: bool = True


GUIDANCE_SENSORS: tuple[GuidanceSensorDescription, ...] = (
    GuidanceSensorDescription(
        key="instruction",
        translation_key="instruction",
        device_class=SensorDeviceClass.ENUM,
        options=[step.value for step in Instruction],
        value_fn=lambda _, pad: pad.instruction.value,
    ),
    GuidanceSensorDescription(
        key="check_progress",
        translation_key="check_progress",
        value_fn=lambda texts, pad: progress_text(texts, pad.progress),
    ),
    GuidanceSensorDescription(
        key="check_result",
        translation_key="check_result",
        value_fn=lambda texts, pad: result_text(texts, pad.result),
        # The last result stays readable while the pad is off.
        requires_online=False,
    ),
)


class GuidanceSensor(PadEntity, SensorEntity):
    """What the person on the pad is told."""

    entity_description: GuidanceSensorDescription

    def __init__(self, coordinator: PadCoordinator, description: GuidanceSensorDescription) -> None:
        """Bind to the pad."""
        super().__init__(coordinator, description)
        self._requires_online = description.requires_online

    @property
    def native_value(self) -> StateType:
        """The guidance in Home Assistant's language."""
        language = self.hass.config.language
        texts = async_get_cached_translations(self.hass, language, CATEGORY, DOMAIN)
        return self.entity_description.value_fn(texts, self.coordinator.data.pad)

    def _shown(self) -> tuple[object, ...]:
        return (self.available, self.native_value)
