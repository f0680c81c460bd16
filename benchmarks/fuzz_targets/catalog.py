"""Every fuzz target, in the order `benchmarks/fuzz.py` runs them."""

from __future__ import annotations

from .harness import Target
from .parsers import TOPICS, parser_target
from .payloads import JSON_KINDS
from .pipeline import pipeline_target
from .session import SESSION


def all_targets(pipeline: Target | None = None) -> tuple[Target, ...]:
    """Every fuzz target, in the order they run."""
    parsers = tuple(parser_target(kind) for kind in (*JSON_KINDS, "status"))
    return (*parsers, TOPICS, SESSION, pipeline or pipeline_target())
