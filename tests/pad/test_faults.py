"""The simulator's fault injection: what it sends, and that a receiver sees exactly that."""

from __future__ import annotations

import pytest

from custom_components.retro_balance.engine.wire import protocol
from custom_components.retro_balance.engine.wire.sequencing import FrameSequencer, TimeBase
from pad_simulator.cli import main
from pad_simulator.faults import BOOT_T_MS, REBOOT_SILENCE_S, FaultCounts, FaultPlan
from pad_simulator.scenarios import build_simulation, generate

from .helpers import frames_of


def sequencer_after(messages: list[tuple[float, str, bytes]]) -> FrameSequencer:
    sequencer = FrameSequencer()
    for frame in frames_of(messages):
        sequencer.check(frame)
    return sequencer


def test_no_faults_changes_nothing() -> None:
    plain = list(generate("sls-left", seed=4, lose_balance_at_s=6.0))
    assert list(generate("sls-left", seed=4, lose_balance_at_s=6.0, faults=FaultPlan())) == plain
    assert not FaultPlan().any


def test_reboot_goes_silent_announces_and_restarts_seq_and_clock() -> None:
    messages = list(
        generate("sls-left", seed=4, lose_balance_at_s=6.0, faults=FaultPlan(reboot_at_s=8.0))
    )
    kinds = [kind for time_s, kind, _ in messages if time_s >= 8.0]
    assert kinds[:2] == ["status", "info"]
    announced_s = next(t for t, kind, _ in messages if kind == "status" and t > 0)
    assert announced_s == pytest.approx(8.0 + REBOOT_SILENCE_S, abs=0.2)
    assert not [t for t, kind, _ in messages if kind == "frames" and 8.0 <= t < announced_s]
    after = frames_of([m for m in messages if m[0] >= announced_s])
    assert (after[0].seq, after[0].t_ms) == (0, BOOT_T_MS)
    assert [frame.seq for frame in after[:5]] == [0, 1, 2, 3, 4]
    sequencer = sequencer_after(messages)
    assert sequencer.counters.reboots == 1
    assert sequencer.counters.rejected == 0


@pytest.mark.parametrize("jump_s", [600.0, -600.0])
def test_clock_jump_shifts_every_later_frame(jump_s: float) -> None:
    faults = FaultPlan(clock_jump_at_s=5.0, clock_jump_s=jump_s)
    plain = frames_of(generate("idle", seed=2, duration_s=10.0, t0_ms=900_000))
    jumped = frames_of(generate("idle", seed=2, duration_s=10.0, t0_ms=900_000, faults=faults))
    assert [f.seq for f in jumped] == [f.seq for f in plain]
    shifts = {j.t_ms - p.t_ms for p, j in zip(plain, jumped, strict=True)}
    assert shifts == {0, round(jump_s * 1000)}
    sequencer = FrameSequencer()
    checks = [sequencer.check(frame) for frame in jumped]
    assert [c.new_time_base for c in checks].count(TimeBase.CLOCK_JUMP) == 1
    assert all(check.accepted for check in checks)


def test_clock_cannot_jump_back_before_the_boot() -> None:
    faults = FaultPlan(clock_jump_at_s=1.0, clock_jump_s=-600.0)
    with pytest.raises(ValueError, match="--t0-ms"):
        list(generate("idle", seed=2, duration_s=5.0, faults=faults))


def test_receiver_counts_exactly_what_was_injected() -> None:
    """Duplicated, reordered and late frames: one verdict each, nothing counted lost."""
    simulation = build_simulation(
        "daily-check",
        seed=11,
        dup_rate=0.05,
        faults=FaultPlan(reorder_rate=0.04, late_rate=0.02),
    )
    messages = [(m.time_s, str(m.kind), m.payload) for m in simulation.messages()]
    counts = simulation.fault_counts
    assert min(counts.duplicated, counts.reordered, counts.late) >= 10
    sequencer = sequencer_after(messages)
    counters = sequencer.counters
    assert counters.duplicate == counts.duplicated
    assert counters.out_of_order == counts.reordered
    assert counters.late == counts.late
    assert counters.lost == 0
    assert counters.conflicting == 0
    sent = sum(kind == "frames" for _, kind, _ in messages)
    assert counters.accepted == sent - counts.duplicated - counts.reordered - counts.late


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"reorder_rate": 1.0}, "reorder-rate"),
        ({"late_rate": -0.1}, "late-rate"),
        ({"reorder_rate": 0.6, "late_rate": 0.5}, "together"),
        ({"reboot_at_s": 0.0}, "reboot-at"),
        ({"clock_jump_at_s": 3.0}, "clock jump"),
        ({"clock_jump_s": 5.0}, "clock jump"),
    ],
)
def test_impossible_faults_are_refused(plan: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultPlan(**plan)


def test_counts_summary() -> None:
    counts = FaultCounts(reboots=1, late=3)
    assert counts.summary() == (
        "faults injected: reboots 1, clock jumps 0, reordered 0, late 3, duplicated 0"
    )


def test_command_line_takes_the_fault_options(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--scenario", "idle", "--duration", "8", "--dry-run", "--t0-ms", "900000"]
    assert main([*argv, "--reboot-at", "2", "--clock-jump-at", "3", "--clock-jump", "60"]) == 0
    lines = capsys.readouterr().out.splitlines()
    statuses = [line for line in lines if "/status " in line]
    assert len(statuses) == 2  # the first announcement and the one after the reboot
    frames = [protocol.parse_frame(line.split()[2]) for line in lines if "/frames " in line]
    assert frames[-1].seq < 10


@pytest.mark.parametrize(
    "argv",
    [
        ["--reorder-rate", "1.5"],
        ["--clock-jump", "5"],
        ["--client-id", "same", "--pads", "2"],
    ],
)
def test_command_line_refuses_bad_faults(argv: list[str]) -> None:
    assert main(["--scenario", "idle", "--dry-run", *argv]) == 1


def test_lead_in_adds_empty_pad_before_the_scenario() -> None:
    plain = frames_of(generate("sls-left", seed=4, lose_balance_at_s=6.0, noise=False))
    led = frames_of(generate("sls-left", seed=4, lose_balance_at_s=6.0, noise=False, lead_in_s=5.0))
    assert led[-1].t_ms - plain[-1].t_ms == pytest.approx(5000, abs=130)
    assert max(frame.cells_kg.sum(axis=1).max() for frame in led[:10]) < 1.0
    with pytest.raises(ValueError, match="lead-in"):
        generate("idle", lead_in_s=-1.0)
