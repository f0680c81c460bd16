"""Tests of the pad simulator (pad_simulator/): the device, the scenarios, the MQTT runner."""
