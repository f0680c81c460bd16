#ifdef USE_HOST

#include "bench_buzzer.h"

#include "esphome/core/log.h"

namespace esphome::pad_bench {

static const char *const TAG = "pad_bench";

void BenchBuzzer::write_state(float state) {
  const bool sounding = state > 0.0f;
  if (sounding) {
    ESP_LOGI(TAG, "Buzzer: %.0f Hz", this->frequency_hz_);
  } else if (this->sounding_) {
    ESP_LOGI(TAG, "Buzzer: off");
  }
  this->sounding_ = sounding;
}

}  // namespace esphome::pad_bench

#endif  // USE_HOST
