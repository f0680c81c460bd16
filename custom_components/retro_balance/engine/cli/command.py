"""What every subcommand of the engine's command line provides."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

PROG = "python -m custom_components.retro_balance.engine"


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """A subcommand: its help texts, its options and what it does with them."""

    name: str
    help: str
    description: str
    epilog: str | None = None
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO, TextIO], int]
    """Do the work; return the exit status. Problems go to the error stream, never a traceback."""
