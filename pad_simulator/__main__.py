"""`python -m pad_simulator`: see `pad_simulator.cli`."""

import sys

from .cli import main

sys.exit(main())
