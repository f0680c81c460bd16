"""Tests of the engine, one folder per sub-package (custom_components/retro_balance/engine)."""
