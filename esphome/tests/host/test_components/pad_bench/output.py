"""The bench's buzzer: `output: platform: pad_bench` logs every tone it is asked to play."""

from __future__ import annotations

from typing import Any

import esphome.codegen as cg
import esphome.config_validation as cv
from esphome.components import output
from esphome.const import CONF_ID

from . import pad_bench_ns

BenchBuzzer = pad_bench_ns.class_("BenchBuzzer", output.FloatOutput)

CONFIG_SCHEMA = output.FLOAT_OUTPUT_SCHEMA.extend(
    {cv.Required(CONF_ID): cv.declare_id(BenchBuzzer)}
)


async def to_code(config: dict[str, Any]) -> None:
    """Create the buzzer."""
    var = cg.new_Pvariable(config[CONF_ID])
    await output.register_output(var, config)
