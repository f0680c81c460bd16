"""The pad's MQTT protocol v1: typed messages, parsing and encoding, topics, frame ordering."""
