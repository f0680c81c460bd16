"""The engine's command-line tools, for researchers and for checking rules without HA."""
