#include "cell_signal.h"

#include <cmath>

namespace esphome::balance_pad {

int32_t sign_extend_24(uint32_t raw24) {
  raw24 &= 0xFFFFFFu;
  if (raw24 & 0x800000u) {
    raw24 |= 0xFF000000u;
  }
  return static_cast<int32_t>(raw24);
}

float SpikeFilter::filter(const RawReading &raw, const CellCalibration &calibration) {
  if (!raw.present) {
    return MISSING_KG;
  }
  const float kg = calibration.to_kg(raw.counts);
  if (is_saturated(raw.counts) || !std::isfinite(kg) || std::fabs(kg) > this->config_.max_abs_kg) {
    this->rejected_++;
    return MISSING_KG;
  }
  if (this->has_last_ && std::fabs(kg - this->last_kg_) > this->config_.max_step_kg) {
    const bool confirmed =
        this->has_candidate_ && std::fabs(kg - this->candidate_kg_) <= this->config_.max_step_kg;
    if (!confirmed) {
      this->has_candidate_ = true;
      this->candidate_kg_ = kg;
      this->rejected_++;
      return MISSING_KG;
    }
  }
  this->has_last_ = true;
  this->last_kg_ = kg;
  this->has_candidate_ = false;
  return kg;
}

}  // namespace esphome::balance_pad
