#pragma once
// Batching samples into v1 frames, with the idle mode (docs/protocol.md, "Idle behaviour").

#include <string>
#include <vector>

#include "pad_types.h"
#include "wire_format.h"

namespace esphome::balance_pad {

struct IdleConfig {
  float threshold_kg{10.0f};   ///< idle below this total load ...
  uint32_t enter_after_ms{3000};  ///< ... held this long; left at the first sample at or above it
};

/// Tracks whether the pad is idle from the total load of each sample.
class IdleTracker {
 public:
  explicit IdleTracker(const IdleConfig &config = IdleConfig{}) : config_(config) {}

  /// Returns the idle state after this sample. A sample with a missing cell decides nothing
  /// unless the cells it has already reach the threshold (loads are never meaningfully negative).
  bool update(uint32_t t_ms, const CellLoads &kg);
  bool idle() const { return this->idle_; }

 protected:
  IdleConfig config_;
  bool idle_{false};  // start at full rate: someone may already be standing on the pad at boot
  bool below_{false};
  uint32_t below_since_ms_{0};
};

struct FrameConfig {
  float rate_hz{80.0f};
  uint8_t samples_per_frame{10};  ///< 1..50
  uint32_t idle_interval_ms{1000};
};

/// Turns a stream of samples into encoded frames. seq counts every frame (uint32 wrap) across modes.
///
/// Full rate: a frame every `samples_per_frame` samples; a gap of more than 1.5 sample periods
/// closes the frame early so that samples inside one frame are always evenly spaced.
/// Idle: one single-sample frame (the latest reading) per idle_interval_ms.
/// No samples at all for idle_interval_ms: tick() sends a single all-null sample, so a silent
/// amplifier shows up as nulls rather than as a silent pad.
class FrameBatcher {
 public:
  explicit FrameBatcher(const FrameConfig &config = FrameConfig{});

  void add_sample(uint32_t t_ms, const CellLoads &kg, bool idle, std::vector<std::string> &out);
  void tick(uint32_t now_ms, std::vector<std::string> &out);
  uint32_t next_seq() const { return this->next_seq_; }
  void set_next_seq(uint32_t seq) { this->next_seq_ = seq; }

 protected:
  void flush_(std::vector<std::string> &out);
  void emit_single_(uint32_t t_ms, const CellLoads &kg, std::vector<std::string> &out);

  FrameConfig config_;
  float gap_ms_;
  uint32_t next_seq_{0};
  Frame pending_;
  uint32_t last_sample_ms_{0};
  bool has_sample_{false};
  bool has_emitted_{false};
  uint32_t last_emit_ms_{0};
  bool idle_emitted_{false};  ///< an idle frame went out since the pad became idle
};

}  // namespace esphome::balance_pad
