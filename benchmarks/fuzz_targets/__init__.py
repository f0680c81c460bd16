"""Fuzz targets: the pad protocol's parsers and topics, and the session state machine.

Shared by ``benchmarks/fuzz.py`` (the long run, 100,000+ inputs) and ``tests/pad/test_fuzz.py``
(a few thousand, in seconds). A target is a hypothesis strategy of inputs and a check that feeds
one input to the engine and asserts the properties:

- the only exception a parser raises is ``ProtocolError``, with a reason code documented in
  ``docs/protocol.md`` ("Receiver: malformed messages") and a message;
- an accepted message survives a round trip through its encoder;
- the session state machine (``CheckRunner`` over ``StanceDetector``) raises only its documented
  ``ValueError`` for a bad frame, and such a frame changes nothing; results stay within their
  limits and survive the JSON round trip of storage;
- in the pad-link pipeline (parse → ``FrameSequencer`` → ``PadMonitor`` → ``CheckRunner``, the
  integration's ``pad_mqtt`` → ``coordinator`` → ``runs``), every message is either accepted or
  counted once by reason, and the sequencer's counters agree.

The modules, one job each:

- ``harness``: ``Target``, ``Stats`` and ``run`` (hypothesis settings, the seed);
- ``payloads``: strategies of topic payloads, valid, mutated, damaged and arbitrary;
- ``parsers``: the documented reasons, the parser and topic targets, the dearest frames to parse;
- ``session``: the check runner fed generated frame sequences and stops directly;
- ``recordings``: simulated pad streams and what goes wrong with them on the way;
- ``pipeline``: a model of the integration's pad link and the pipeline target;
- ``adversarial``: long adversarial frame streams for the soak of one pipeline;
- ``catalog``: every target in the order they run.

The engine names the fuzzing uses are imported in these modules only (the wire and detection
modules are being split; only public names are used).
"""
