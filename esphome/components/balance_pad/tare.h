#pragma once
// Zeroing the four cells: automatic tare of an empty, stable pad and the tare command.

#include <array>

#include "cell_signal.h"
#include "pad_types.h"

namespace esphome::balance_pad {

struct TareConfig {
  float zero_band_kg{2.0f};          ///< auto tare: every cell within ±this of zero ...
  float auto_max_range_kg{0.1f};     ///< ... and each cell's range below this ...
  uint32_t auto_window_ms{10000};    ///< ... for this long
  float manual_max_range_kg{0.5f};   ///< tare command: each cell's range below this ...
  uint32_t manual_window_ms{1000};   ///< ... for this long ...
  uint32_t manual_timeout_ms{5000};  ///< ... within this time, or the command fails
  uint8_t block_samples{10};         ///< ranges are taken over means of this many samples
};

/// Collects a run of complete samples: per-cell range of block means (kg) and mean counts.
///
/// Ranges use block means (10 samples = 1/8 s at 80 SPS) so the HX711's 10-30 g sample noise
/// does not hide a stable pad, while a person's sway (kilograms per corner) always shows.
class StabilityWindow {
 public:
  explicit StabilityWindow(uint8_t block_samples) : block_samples_(block_samples ? block_samples : 1) {}

  void restart(uint32_t t_ms);
  void stop() { this->started_ = false; }
  /// Adds a sample; returns false (and adds nothing) if a cell is missing.
  bool add(const RawSample &raw, const CellLoads &kg);
  bool started() const { return this->started_; }
  uint32_t start_ms() const { return this->start_ms_; }
  uint32_t blocks() const { return this->blocks_; }
  /// Largest range of block means over the four cells (0 before two blocks).
  float max_range_kg() const;
  std::array<int32_t, NUM_CELLS> mean_counts() const;

 protected:
  uint8_t block_samples_;
  bool started_{false};
  uint32_t start_ms_{0};
  uint32_t blocks_{0};
  uint32_t samples_{0};
  uint8_t in_block_{0};
  std::array<double, NUM_CELLS> block_sum_kg_{};
  std::array<float, NUM_CELLS> min_kg_{};
  std::array<float, NUM_CELLS> max_kg_{};
  std::array<int64_t, NUM_CELLS> sum_counts_{};
};

enum class TareOutcome { NONE, AUTO_TARED, MANUAL_TARED, MANUAL_FAILED };

/// Decides when to re-zero. Never tares while someone stands on the pad: a person's sway moves
/// every corner by far more than the stability limits.
class TareController {
 public:
  explicit TareController(const TareConfig &config = TareConfig{});

  /// Feeds one sample (raw counts and filtered kg); on a tare, `zero_counts` receives the new zeros.
  TareOutcome feed(uint32_t t_ms, const RawSample &raw, const CellLoads &kg,
                   std::array<int32_t, NUM_CELLS> &zero_counts);
  /// The tare command: zero as soon as the pad has been still for manual_window_ms.
  void request(uint32_t now_ms);
  bool manual_pending() const { return this->manual_pending_; }

 protected:
  TareOutcome feed_manual_(uint32_t t_ms, const RawSample &raw, const CellLoads &kg,
                           std::array<int32_t, NUM_CELLS> &zero_counts);
  TareOutcome feed_auto_(uint32_t t_ms, const RawSample &raw, const CellLoads &kg,
                         std::array<int32_t, NUM_CELLS> &zero_counts);
  /// Adds a sample to a window; true once it has been steady for duration_ms.
  static bool feed_window_(StabilityWindow &window, uint32_t t_ms, const RawSample &raw,
                           const CellLoads &kg, float max_range_kg, uint32_t duration_ms);

  TareConfig config_;
  StabilityWindow auto_window_;
  StabilityWindow manual_window_;
  bool manual_pending_{false};
  uint32_t manual_requested_ms_{0};
};

}  // namespace esphome::balance_pad
