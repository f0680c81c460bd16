#pragma once
// When to clock the four HX711 together: as soon as all of them have a conversion ready.

#include <array>

#include "pad_types.h"

namespace esphome::balance_pad {

struct ReadDecision {
  bool read{false};
  std::array<bool, NUM_CELLS> take{};  ///< chips whose data is valid in this read
};

/// Each HX711 runs on its own oscillator, so the four conversions drift against each other by up
/// to a sample period. A shared read waits until every chip is ready; if some chip is still not
/// ready 1.5 periods after the previous read, the ready ones are read and the late one is `null`.
/// A chip that missed `absent_after` reads in a row is no longer waited for (a broken wire must not
/// stall the three good corners), until it shows data again.
class StepScheduler {
 public:
  explicit StepScheduler(float rate_hz, uint8_t absent_after = 8);

  ReadDecision poll(uint32_t now_ms, const std::array<bool, NUM_CELLS> &ready);
  bool absent(std::size_t cell) const { return this->misses_[cell] >= this->absent_after_; }

 protected:
  float timeout_ms_;
  uint8_t absent_after_;
  bool started_{false};
  uint32_t last_read_ms_{0};
  std::array<uint8_t, NUM_CELLS> misses_{};
};

}  // namespace esphome::balance_pad
