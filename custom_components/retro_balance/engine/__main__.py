"""Entry point: ``python -m custom_components.retro_balance.engine COMMAND ...`` (engine/cli)."""

from .cli.main import main

raise SystemExit(main())
