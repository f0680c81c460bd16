"""Entry point: ``python -m custom_components.retro_balance.engine analyze FILE... --fs HZ ...``."""

from .cli.main import main

raise SystemExit(main())
