#pragma once
// Keeping the zeros of the last tare across reboots, without wearing out the flash.

#include <array>

#include "cell_signal.h"
#include "pad_types.h"

namespace esphome::balance_pad {

/// What the pad stores in flash: the zeros of the last tare and the calibration they belong to.
struct SavedZeros {
  uint32_t fingerprint{0};
  std::array<int32_t, NUM_CELLS> zero_counts{};
};

/// FNV-1a over the configured gains and zeros: a new calibration in YAML makes stored zeros stale.
uint32_t calibration_fingerprint(const std::array<CellCalibration, NUM_CELLS> &cells);

/// True when some cell's zero has moved by more than threshold_kg since it was stored. The
/// automatic tare re-zeroes every 10 s while the pad is empty; only real drift is worth a write.
bool zeros_moved(const std::array<int32_t, NUM_CELLS> &stored, const std::array<CellCalibration, NUM_CELLS> &cells,
                 float threshold_kg);

}  // namespace esphome::balance_pad
