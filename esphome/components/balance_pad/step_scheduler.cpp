#include "step_scheduler.h"

#include <cmath>

namespace esphome::balance_pad {

StepScheduler::StepScheduler(float rate_hz, uint8_t absent_after)
    : timeout_ms_(1500.0f / rate_hz),
      absent_after_(absent_after ? absent_after : 1) {}

ReadDecision StepScheduler::poll(uint32_t now_ms, const std::array<bool, NUM_CELLS> &ready) {
  ReadDecision decision;
  if (!this->started_) {
    this->started_ = true;
    this->last_read_ms_ = now_ms;
  }
  bool any_ready = false;
  bool all_waited_ready = true;
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    any_ready = any_ready || ready[i];
    if (!ready[i] && !this->absent(i)) {
      all_waited_ready = false;
    }
  }
  if (!any_ready) {
    return decision;
  }
  if (!all_waited_ready && static_cast<float>(elapsed_ms(now_ms, this->last_read_ms_)) < this->timeout_ms_) {
    return decision;
  }
  decision.read = true;
  decision.take = ready;
  this->last_read_ms_ = now_ms;
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    if (ready[i]) {
      this->misses_[i] = 0;
    } else if (this->misses_[i] < this->absent_after_) {
      this->misses_[i]++;
    }
  }
  return decision;
}

}  // namespace esphome::balance_pad
