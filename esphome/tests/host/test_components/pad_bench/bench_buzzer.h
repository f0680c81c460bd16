#pragma once
// The bench's buzzer (test-only): a float output that logs the tones balance_pad plays, so a
// check can hear the cues in the firmware's log.

#ifdef USE_HOST

#include "esphome/components/output/float_output.h"

namespace esphome::pad_bench {

class BenchBuzzer : public output::FloatOutput {
 public:
  void update_frequency(float frequency) override { this->frequency_hz_ = frequency; }

 protected:
  void write_state(float state) override;

  float frequency_hz_{0};
  bool sounding_{false};
};

}  // namespace esphome::pad_bench

#endif  // USE_HOST
