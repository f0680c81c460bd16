"""Retro Balance: home balance checks and retro-walking coaching from a load-cell pad."""
