"""engine/wire: protocol v1 (parsing, encoding, the golden fixtures) and frame ordering."""
