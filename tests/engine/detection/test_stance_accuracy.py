"""The stance detector against synthetic streams with known answers (see synthetic_stance.py).

Each stream is realistic pad output: 80 Hz corner loads with 20 g noise per corner, sway at
plausible amplitudes (quiet ~1 cm/s; single-leg ML 3.5 cm/s, "wobbly" 5 cm/s), 10-sample frames
with jittered start times. The scripted moments (lift, touch-down, step) are the truth.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from custom_components.retro_balance.engine.detection.stance import StanceDetector
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceEventKind,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.measures import SwayMeasures
from tests.engine.detection import synthetic_stance as syn

SIDES = [(-1.0, StanceTest.SINGLE_LEG_LEFT), (1.0, StanceTest.SINGLE_LEG_RIGHT)]
TOLERANCE_S = 0.2


def _run(stream: syn.Stream, test: StanceTest) -> tuple[StanceResult, dict[str, float]]:
    detector = StanceDetector(test)
    events = stream.run(detector)
    assert detector.result is not None
    times = {e.kind.value: e.time_s for e in events}
    assert [e.kind for e in events] == list(StanceEventKind)  # each once, in order
    return detector.result, times


def _sway(result: StanceResult) -> SwayMeasures:
    assert result.sway is not None
    return result.sway


@pytest.mark.parametrize(("side", "test"), SIDES)
@pytest.mark.parametrize("hold_s", [1.5, 4.2, 9.7, 17.3, 26.0])
@pytest.mark.parametrize("seed", range(3))
def test_single_leg_touch_down_is_timed_within_0_2_s(
    side: float, test: StanceTest, hold_s: float, seed: int
) -> None:
    stream = syn.single_leg(side, seed=seed, hold_s=hold_s)
    result, times = _run(stream, test)
    assert result.end_reason is EndReason.TOUCHED_DOWN
    assert result.hold_time_s == pytest.approx(hold_s, abs=TOLERANCE_S)
    assert times["started"] == pytest.approx(stream.truth["lift"], abs=TOLERANCE_S)
    assert times["finished"] == pytest.approx(stream.truth["loss"], abs=TOLERANCE_S)
    assert result.completed
    assert result.quality == frozenset()
    assert result.body_mass_kg == pytest.approx(70.0, abs=1.5)


def test_single_leg_timing_over_varied_people() -> None:
    """Wobbly and steady holds, slow and brisk weight shifts, narrow and wide stances."""
    rng = np.random.default_rng(7)
    errors = []
    for k in range(40):
        side, test = SIDES[k % 2]
        hold_s = float(rng.uniform(1.5, 25.0))
        stream = syn.single_leg(
            side,
            seed=100 + k,
            hold_s=hold_s,
            shift_s=float(rng.uniform(0.3, 0.7)),
            half_stance_cm=float(rng.uniform(7.0, 10.0)),
            touchdown_share=float(rng.uniform(0.35, 0.5)),
            sway=syn.WOBBLY_SLS if k % 3 == 0 else syn.SLS,
        )
        result, _ = _run(stream, test)
        assert result.end_reason is EndReason.TOUCHED_DOWN, f"missed touch-down, run {k}"
        errors.append(result.hold_time_s - hold_s)
    error = np.abs(errors)
    assert np.mean(error <= TOLERANCE_S) >= 0.9
    assert error.max() < 0.5
    assert abs(float(np.mean(errors))) < 0.1


@pytest.mark.parametrize("seed", range(10))
def test_no_false_loss_of_balance_in_good_single_leg_holds(seed: int) -> None:
    side, test = SIDES[seed % 2]
    stream = syn.single_leg(
        side,
        seed=500 + seed,
        hold_s=35.0,
        half_stance_cm=5.0 + 0.5 * seed,
        sway=syn.WOBBLY_SLS if seed % 2 else syn.SLS,
    )
    result, times = _run(stream, test)
    assert result.end_reason is EndReason.CAP
    assert result.hold_time_s == 30.0
    assert times["finished"] == pytest.approx(times["started"] + 30.0)
    # Single-leg sway is several times quiet-stance sway (ML 2–6 cm/s).
    assert 2.0 < _sway(result).mean_velocity_ml_cm_s < 7.0


@pytest.mark.parametrize(("side", "test"), SIDES)
def test_stepping_off_one_leg_ends_as_stepped_off(side: float, test: StanceTest) -> None:
    stream = syn.single_leg(side, seed=3, hold_s=6.0, end="step_off")
    result, _ = _run(stream, test)
    assert result.end_reason is EndReason.STEPPED_OFF
    assert result.hold_time_s == pytest.approx(6.0, abs=TOLERANCE_S)
    assert result.completed


def test_the_other_foot_stays_down_so_the_test_never_starts() -> None:
    """Standing on both feet, COP at the centre: no lift, a timeout (test on the wrong side)."""
    stream = syn.single_leg(1.0, seed=4, hold_s=40.0)  # lifts the LEFT foot
    result, _ = _run_until_end(stream, StanceTest.SINGLE_LEG_LEFT)
    assert result.end_reason is EndReason.TIMED_OUT
    assert not result.completed


def _run_until_end(stream: syn.Stream, test: StanceTest) -> tuple[StanceResult, StanceDetector]:
    detector = StanceDetector(test)
    stream.run(detector)
    assert detector.result is not None
    return detector.result, detector


@pytest.mark.parametrize("seed", range(4))
def test_quiet_stance_holds_to_the_cap_with_sway(seed: int) -> None:
    stream = syn.quiet(seed=seed, stand_s=40.0)
    result, times = _run(stream, StanceTest.QUIET_EYES_OPEN)
    assert result.end_reason is EndReason.CAP
    assert result.hold_time_s == 30.0
    # Stepping on takes 0.6 s, then 1.5 s of standing still settles.
    assert times["settled"] == pytest.approx(stream.truth["on"] + 2.1, abs=0.4)
    assert times["started"] == times["settled"]
    assert result.started_at_s == times["started"]
    sway = _sway(result)
    assert sway.duration_s == pytest.approx(30.0, abs=0.05)
    assert 0.6 < sway.mean_velocity_cm_s < 1.6  # quiet stance ~1 cm/s
    assert result.body_mass_kg == pytest.approx(70.0, abs=1.0)


@pytest.mark.parametrize("seed", range(3))
def test_stepping_off_during_quiet_stance(seed: int) -> None:
    stream = syn.quiet(seed=seed, stand_s=12.0, eyes_closed=True)
    result, times = _run(stream, StanceTest.QUIET_EYES_CLOSED)
    assert result.end_reason is EndReason.STEPPED_OFF
    assert times["finished"] == pytest.approx(stream.truth["off"], abs=TOLERANCE_S)
    assert result.hold_time_s == pytest.approx(times["finished"] - times["started"])
    assert result.completed


@pytest.mark.parametrize("seed", range(4))
def test_tandem_stance_ends_at_the_step(seed: int) -> None:
    stream = syn.tandem(seed=seed, hold_s=12.0)
    result, times = _run(stream, StanceTest.TANDEM)
    assert result.end_reason is EndReason.TOUCHED_DOWN
    assert times["finished"] == pytest.approx(stream.truth["loss"], abs=TOLERANCE_S)
    assert result.started_at_s + result.hold_time_s == pytest.approx(times["finished"])


@pytest.mark.parametrize("seed", range(4))
def test_tandem_stance_holds_to_the_cap(seed: int) -> None:
    stream = syn.tandem(seed=seed, hold_s=40.0)
    result, _ = _run(stream, StanceTest.TANDEM)
    assert result.end_reason is EndReason.CAP
    assert result.hold_time_s == 30.0


def test_tandem_stance_off_the_midline_never_starts() -> None:
    script = syn.Script(seed=1).empty(1.0).step_on(at=(0.0, 7.0)).stand(35.0, amp=syn.TANDEM)
    result, detector = _run_until_end(script.build(), StanceTest.TANDEM)
    assert result.end_reason is EndReason.TIMED_OUT
    assert detector.body_mass_kg is None


def test_short_gaps_are_flagged_and_long_gaps_end_the_test() -> None:
    stream = syn.quiet(seed=5, stand_s=40.0)
    start = stream.truth["on"] + 5.0
    flagged, _ = _run_until_end(syn.drop_frames(stream, start, start + 0.4), StanceTest.TANDEM)
    assert flagged.end_reason is EndReason.CAP
    assert QualityFlag.GAPS in flagged.quality
    assert flagged.completed

    lost, _ = _run_until_end(syn.drop_frames(stream, start, start + 2.0), StanceTest.TANDEM)
    assert lost.end_reason is EndReason.SIGNAL_LOST
    assert {QualityFlag.GAPS, QualityFlag.ABORTED} <= lost.quality
    assert not lost.completed
    # The hold ends at the last sample before the hole (within one 0.125-s frame).
    assert lost.started_at_s + lost.hold_time_s == pytest.approx(start, abs=0.15)


def test_missing_readings_keep_the_timing_and_many_are_flagged_too_noisy() -> None:
    stream = syn.single_leg(-1.0, seed=6, hold_s=8.0)
    few, _ = _run_until_end(syn.blank_samples(stream, 0.03, seed=1), StanceTest.SINGLE_LEG_LEFT)
    assert few.end_reason is EndReason.TOUCHED_DOWN
    assert few.hold_time_s == pytest.approx(8.0, abs=TOLERANCE_S)
    assert QualityFlag.TOO_NOISY not in few.quality

    many, _ = _run_until_end(syn.blank_samples(stream, 0.25, seed=1), StanceTest.SINGLE_LEG_LEFT)
    assert many.hold_time_s == pytest.approx(8.0, abs=TOLERANCE_S)
    assert QualityFlag.TOO_NOISY in many.quality


def test_load_spikes_are_ignored_but_flagged_when_frequent() -> None:
    stream = syn.quiet(seed=7, stand_s=40.0)
    rng = np.random.default_rng(3)
    for rate, noisy in ((0.005, False), (0.05, True)):
        frames = []
        for frame in stream.frames:
            cells = frame.cells_kg.copy()
            spikes = rng.random(cells.shape[0]) < rate
            cells[spikes, 0] += 60.0  # a glitching cell reads 60 kg too much for one sample
            frames.append(syn.Frame(cells, frame.t_first_s))
        result, _ = _run_until_end(syn.Stream(frames, stream.rate_hz), StanceTest.QUIET_EYES_OPEN)
        assert result.end_reason is EndReason.CAP
        assert (QualityFlag.TOO_NOISY in result.quality) is noisy


def test_a_child_or_a_bag_is_too_light_to_start() -> None:
    stream = syn.quiet(seed=8, stand_s=40.0, mass_kg=15.0)
    detector = StanceDetector(StanceTest.QUIET_EYES_OPEN)
    events = stream.run(detector)
    result = detector.result
    assert result is not None
    assert [e.kind for e in events] == [StanceEventKind.STEPPED_ON, StanceEventKind.FINISHED]
    assert result.end_reason is EndReason.TIMED_OUT
    assert {QualityFlag.TOO_LIGHT, QualityFlag.ABORTED} <= result.quality
    assert result.body_mass_kg == pytest.approx(15.0, abs=1.0)
    assert not result.completed


@pytest.mark.shared_data
def test_real_quiet_stance_recordings_hold_to_the_cap(shared_data: Path) -> None:
    """Santos & Duarte 2016 raw trials (force plate, 100 Hz, 60 s) replayed as pad loads.

    Firm and foam, eyes open and closed, young and old: the quiet and tandem rules never see a
    loss of balance in real quiet sway, and the 30-s sway speed agrees with the authors' 60-s
    ``COPvelo`` (measured 0.82–1.21 times it, median about 1.0).
    """
    root = shared_data / "santos-duarte-2016"
    with (root / "BDSinfoCOP.txt").open(encoding="utf-8") as handle:
        published = {
            r["Trial"]: float(r["COPvelo"]) for r in csv.DictReader(handle, delimiter="\t")
        }
    ratios = []
    for path in sorted((root / "trials").glob("BDS*.txt.gz")):
        with gzip.open(path, "rt") as handle:
            data = np.loadtxt(handle, skiprows=1)
        time_s, fz_n, ap_cm, ml_cm = data[:, 0], data[:, 3], data[:, 7], data[:, 8]
        cells = syn.corner_loads(
            ap_cm - ap_cm.mean(), ml_cm - ml_cm.mean(), fz_n / 9.81, syn.WII_BALANCE_BOARD
        )
        results = {}
        for test in (StanceTest.QUIET_EYES_OPEN, StanceTest.TANDEM):
            detector = StanceDetector(test)
            for first in range(0, len(cells) - 9, 10):
                detector.feed(cells[first : first + 10], float(time_s[first]), 100.0)
                if detector.result is not None:
                    break
            result = detector.result
            assert result is not None, path.name
            assert result.end_reason is EndReason.CAP, (path.name, test)
            results[test] = result
        quiet = _sway(results[StanceTest.QUIET_EYES_OPEN])
        ratios.append(quiet.mean_velocity_cm_s / published[path.name.split(".")[0]])
    assert len(ratios) >= 60
    assert min(ratios) > 0.75
    assert max(ratios) < 1.3
    assert float(np.median(ratios)) == pytest.approx(1.0, abs=0.05)
