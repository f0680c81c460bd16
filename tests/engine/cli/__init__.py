"""engine/cli: the command-line tools (analyze)."""
