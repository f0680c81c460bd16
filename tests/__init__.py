"""Tests for retro_balance."""
