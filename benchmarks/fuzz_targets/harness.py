"""The fuzzing harness: a target (a strategy and a check), what it saw, and the hypothesis run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st


@dataclass
class Stats:
    """What one target saw: inputs tried, accepted, rejected by reason, and notable outcomes."""

    tried: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Target:
    """A strategy of inputs and the check of one input."""

    name: str
    inputs: st.SearchStrategy[Any]
    check: Callable[[Any, Stats], None]


def run(
    target: Target,
    stats: Stats,
    *,
    examples: int,
    seed: int | None = None,
    check: Callable[[Any, Stats], None] | None = None,
) -> None:
    """Run `target` on `examples` generated inputs; a failure is shrunk and raised."""
    check_one = check or target.check

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(target.inputs)
    def holds(value: Any) -> None:
        check_one(value, stats)

    (holds if seed is None else hypothesis_seed(seed)(holds))()
