"""Command line of the engine: ``python -m custom_components.retro_balance.engine COMMAND ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from . import analyze, assess, trend
from .command import PROG, Command

COMMANDS: dict[str, Command] = {
    command.name: command for command in (analyze.COMMAND, assess.COMMAND, trend.COMMAND)
}


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Sway measures and balance judgements without Home Assistant.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS.values():
        command.add_arguments(
            commands.add_parser(
                command.name,
                help=command.help,
                description=command.description,
                epilog=command.epilog,
            )
        )
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; return the exit status (2 for bad arguments, as argparse does)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(arguments[0]) if arguments else None
    if command is None:
        build_parser().parse_args(arguments)  # prints help or a usage error and exits
        return 2  # pragma: no cover - parse_args exits for anything that is not a command
    # Each command parses on its own so that files and options may be intermixed.
    parser = argparse.ArgumentParser(
        prog=f"{PROG} {command.name}", description=command.description, epilog=command.epilog
    )
    command.add_arguments(parser)
    return command.run(parser.parse_intermixed_args(arguments[1:]), out, err)
