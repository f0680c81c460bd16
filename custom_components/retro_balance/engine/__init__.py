"""The sway-analysis and scheduling engine: pure Python and NumPy, no Home Assistant imports.

Everything clinical lives here so that it can be tested and benchmarked without an event loop:
centre of pressure from four load cells, resampling and filtering, the standard sway measures,
the live stance-test detector, norms, scores and fall-risk rules, and the pad's MQTT protocol.
"""
