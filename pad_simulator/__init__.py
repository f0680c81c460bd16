"""A simulated retro_balance pad: the firmware's MQTT behaviour with a realistic person on it.

Not shipped to users. `pad_simulator.scenarios.generate` yields the pad's messages without a
network (for tests); `python -m pad_simulator` (or `scripts/simulate-pad`) publishes them to an
MQTT broker. See docs/simulator.md.
"""
