"""Test-only bench for the host build: simulated HX711 chips and a scripted person.

On ESPHome's host platform a GPIO reads back a constant, so the pad's four HX711 need a
counterpart. Loading this component turns every host pin of the build into a wire of the bench
(`BenchPin`): the wires that `balance_pad:` names as clock and data pins lead to four simulated
HX711 (`hx711_chip.h`: the datasheet's protocol at their own conversion rate), whose load cells
carry a scripted person (`scripted_person.h`). The chips' calibration is the pad's own (its
`cells:` counts per kg and zero counts) plus the drift of `zero_drift_kg`, so the pad reads the
person's load in kg. The numbers live in esphome/tests/host/bench.yaml, which the checks read too.

It also defines esphome::InterruptLock for the host (`interrupt_lock.cpp`) and offers a buzzer
output that logs its tones (`output.py`).
"""

from __future__ import annotations

from typing import Any

import esphome.codegen as cg
import esphome.config_validation as cv
from esphome import pins
from esphome.const import CONF_ID, CONF_INVERTED, CONF_MODE, CONF_NUMBER
from esphome.core import CORE
from esphome.cpp_generator import MockObj

CODEOWNERS = ["@retro-balance"]
DEPENDENCIES = ["host", "balance_pad"]

CONF_CHIPS = "chips"
CONF_RATE_HZ = "rate_hz"
CONF_ZERO_DRIFT_KG = "zero_drift_kg"
CONF_NOISE_KG = "noise_kg"
CONF_PERSON = "person"
CONF_MASS_KG = "mass_kg"
CONF_STANCE_LEG = "stance_leg"
CONF_FOOT_OFFSET_CM = "foot_offset_cm"
CONF_PHASES_S = "phases_s"
CONF_REPORT_INTERVAL_S = "report_interval_s"
PHASES = ("empty", "step_on", "stand", "shift", "hold", "touch_down", "stand_again", "step_off")

pad_bench_ns = cg.esphome_ns.namespace("pad_bench")
PadBench = pad_bench_ns.class_("PadBench", cg.Component)
BenchPin = pad_bench_ns.class_("BenchPin", cg.InternalGPIOPin)
PersonScript = pad_bench_ns.struct("PersonScript")


def _four(validator: Any) -> Any:
    return cv.All(cv.ensure_list(validator), cv.Length(min=4, max=4))


CONFIG_SCHEMA = cv.Schema(
    {
        cv.GenerateID(): cv.declare_id(PadBench),
        cv.Required(CONF_CHIPS): cv.Schema(
            {
                # HX711 with RATE high: 80 SPS from each chip's own oscillator (datasheet).
                cv.Required(CONF_RATE_HZ): _four(cv.float_range(min=1.0, max=100.0)),
                cv.Required(CONF_ZERO_DRIFT_KG): _four(cv.float_range(min=-50.0, max=50.0)),
                cv.Required(CONF_NOISE_KG): cv.float_range(min=0.0, max=1.0),
            }
        ),
        cv.Required(CONF_PERSON): cv.Schema(
            {
                cv.Required(CONF_MASS_KG): cv.float_range(min=1.0, max=300.0),
                cv.Required(CONF_STANCE_LEG): cv.one_of("left", "right", lower=True),
                cv.Required(CONF_FOOT_OFFSET_CM): cv.float_range(min=1.0, max=30.0),
                cv.Required(CONF_PHASES_S): cv.Schema(
                    {cv.Required(phase): cv.positive_float for phase in PHASES}
                ),
            }
        ),
        cv.Optional(CONF_REPORT_INTERVAL_S, default=10.0): cv.positive_float,
    }
).extend(cv.COMPONENT_SCHEMA)


# Every host pin becomes a bench wire: the host platform's pin schema (numbers, modes, inverted)
# stays, only the generated class changes. This module is imported while the configuration is
# validated, before any pin's code is generated.
_, _HOST_PIN_SCHEMA, _HOST_PIN_FINAL_VALIDATE = pins.PIN_SCHEMA_REGISTRY["host"]


async def bench_pin_to_code(config: dict[str, Any]) -> MockObj:
    """Generate a BenchPin for a host pin."""
    var = cg.Pvariable(config[CONF_ID], BenchPin.new(), BenchPin)
    cg.add(var.set_pin(config[CONF_NUMBER]))
    if config[CONF_INVERTED]:
        cg.add(var.set_inverted(True))
    cg.add(var.set_flags(pins.gpio_flags_expr(config[CONF_MODE])))
    return var


pins.PIN_SCHEMA_REGISTRY["host"] = (
    bench_pin_to_code,
    _HOST_PIN_SCHEMA,
    _HOST_PIN_FINAL_VALIDATE,
)


async def to_code(config: dict[str, Any]) -> None:
    """Wire four chips to the pad's pins with the pad's calibration; set up the person."""
    var = cg.new_Pvariable(config[CONF_ID])
    await cg.register_component(var, config)

    pad = CORE.config["balance_pad"]
    cg.add(var.set_geometry(pad["width_mm"], pad["depth_mm"]))
    chips = config[CONF_CHIPS]
    cg.add(var.set_noise_kg(chips[CONF_NOISE_KG]))
    clock_pins = [pad["clock_pin"]] * 4 if "clock_pin" in pad else pad["clock_pins"]
    for cell, name in enumerate(("tl", "tr", "bl", "br")):
        calibration = pad["cells"][name]
        counts_per_kg = calibration["counts_per_kg"]
        empty_counts = calibration["zero_counts"] + chips[CONF_ZERO_DRIFT_KG][cell] * counts_per_kg
        cg.add(
            var.add_chip(
                cell,
                clock_pins[cell][CONF_NUMBER],
                pad["data_pins"][cell][CONF_NUMBER],
                chips[CONF_RATE_HZ][cell],
                counts_per_kg,
                empty_counts,
            )
        )

    person = config[CONF_PERSON]
    phases = person[CONF_PHASES_S]
    cg.add(
        var.set_person(
            cg.StructInitializer(
                PersonScript,
                ("mass_kg", person[CONF_MASS_KG]),
                ("stance_left", person[CONF_STANCE_LEG] == "left"),
                ("foot_offset_cm", person[CONF_FOOT_OFFSET_CM]),
                *((f"{phase}_s", phases[phase]) for phase in PHASES),
            )
        )
    )
    cg.add(var.set_stats_interval_ms(round(config[CONF_REPORT_INTERVAL_S] * 1000)))
