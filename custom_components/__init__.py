"""Namespace of the repository's custom integration (HACS copies only retro_balance/)."""
