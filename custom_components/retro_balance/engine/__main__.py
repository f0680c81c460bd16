"""Entry point: ``python -m custom_components.retro_balance.engine analyze FILE... --fs HZ ...``."""

from .cli import main

raise SystemExit(main())
