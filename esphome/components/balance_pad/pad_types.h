#pragma once
// Types shared by the hardware-free logic of the balance pad (no ESPHome headers here).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace esphome::balance_pad {

/// Corner order everywhere: top-left, top-right, bottom-left, bottom-right ("top" = toes side).
constexpr std::size_t NUM_CELLS = 4;

/// Corner loads in kg; NaN marks a missed or rejected reading (sent as `null`).
using CellLoads = std::array<float, NUM_CELLS>;

constexpr float MISSING_KG = std::numeric_limits<float>::quiet_NaN();

inline bool is_missing(float kg) { return std::isnan(kg); }

/// One HX711 conversion as read from the wire: `present` is false when the chip was not ready.
struct RawReading {
  bool present{false};
  int32_t counts{0};
};

using RawSample = std::array<RawReading, NUM_CELLS>;

/// Milliseconds from since_ms to now_ms, correct across the 49-day wrap of millis().
inline uint32_t elapsed_ms(uint32_t now_ms, uint32_t since_ms) { return now_ms - since_ms; }

}  // namespace esphome::balance_pad
