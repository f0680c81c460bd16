#include "zero_memory.h"

#include <cmath>
#include <cstring>

namespace esphome::balance_pad {

namespace {

uint32_t fnv1a(uint32_t hash, const void *data, std::size_t size) {
  const auto *bytes = static_cast<const unsigned char *>(data);
  for (std::size_t i = 0; i < size; i++) {
    hash = (hash ^ bytes[i]) * 16777619u;
  }
  return hash;
}

}  // namespace

uint32_t calibration_fingerprint(const std::array<CellCalibration, NUM_CELLS> &cells) {
  uint32_t hash = 2166136261u;
  for (const auto &cell : cells) {
    uint32_t gain_bits;
    std::memcpy(&gain_bits, &cell.counts_per_kg, sizeof(gain_bits));
    hash = fnv1a(hash, &gain_bits, sizeof(gain_bits));
    hash = fnv1a(hash, &cell.zero_counts, sizeof(cell.zero_counts));
  }
  return hash;
}

bool zeros_moved(const std::array<int32_t, NUM_CELLS> &stored, const std::array<CellCalibration, NUM_CELLS> &cells,
                 float threshold_kg) {
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    const double moved_kg = static_cast<double>(cells[i].zero_counts - stored[i]) / cells[i].counts_per_kg;
    if (std::fabs(moved_kg) > threshold_kg) {
      return true;
    }
  }
  return false;
}

}  // namespace esphome::balance_pad
