"""Tests of the pad protocol and the pad simulator."""
