#pragma once
// From HX711 counts to kg for one corner: calibration and spike rejection.

#include "pad_types.h"

namespace esphome::balance_pad {

/// HX711 output saturates at the ends of its 24-bit two's-complement range (esphome issue 4498).
constexpr int32_t HX711_MAX_COUNTS = 0x7FFFFF;
constexpr int32_t HX711_MIN_COUNTS = -0x800000;

/// Sign-extends the 24 bits shifted out of an HX711.
int32_t sign_extend_24(uint32_t raw24);

inline bool is_saturated(int32_t counts) {
  return counts >= HX711_MAX_COUNTS || counts <= HX711_MIN_COUNTS;
}

/// kg = (counts - zero_counts) / counts_per_kg. The sign of counts_per_kg absorbs reversed wiring.
struct CellCalibration {
  float counts_per_kg{1.0f};
  int32_t zero_counts{0};

  float to_kg(int32_t counts) const {
    return static_cast<float>(static_cast<double>(counts - zero_counts) / counts_per_kg);
  }
};

struct SpikeConfig {
  float max_abs_kg{200.0f};   ///< a 50 kg cell cannot honestly report more than this
  float max_step_kg{25.0f};   ///< larger jumps between two samples are held back once
};

/// Rejects saturated, implausible and one-sample jump readings of one cell.
///
/// A jump larger than max_step_kg gives `missing` for that sample; if the next sample stays near
/// the new level, the new level is accepted (a real step onto the pad), otherwise it was a spike.
class SpikeFilter {
 public:
  explicit SpikeFilter(const SpikeConfig &config = SpikeConfig{}) : config_(config) {}

  /// Returns kg, or MISSING_KG when the reading is rejected.
  float filter(const RawReading &raw, const CellCalibration &calibration);
  void reset() { has_last_ = has_candidate_ = false; }
  uint32_t rejected() const { return rejected_; }

 protected:
  SpikeConfig config_;
  bool has_last_{false};
  float last_kg_{0.0f};
  bool has_candidate_{false};
  float candidate_kg_{0.0f};
  uint32_t rejected_{0};
};

}  // namespace esphome::balance_pad
