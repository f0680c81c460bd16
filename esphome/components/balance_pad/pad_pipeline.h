#pragma once
// From four raw HX711 readings to v1 frames: calibration, spike rejection, tare, idle, batching.
// Everything the pad decides lives here; the ESPHome component only moves bits and bytes.

#include <array>
#include <string>
#include <vector>

#include "cell_signal.h"
#include "frame_batcher.h"
#include "pad_types.h"
#include "tare.h"

namespace esphome::balance_pad {

struct PadSettings {
  std::array<CellCalibration, NUM_CELLS> cells{};
  SpikeConfig spike{};
  TareConfig tare{};
  IdleConfig idle{};
  FrameConfig frame{};
};

/// Mean raw counts and kg of each cell over a reporting period (for calibration by hand).
struct CellAverages {
  std::array<double, NUM_CELLS> counts{};
  std::array<double, NUM_CELLS> kg{};
  std::array<uint32_t, NUM_CELLS> samples{};
};

class PadPipeline {
 public:
  explicit PadPipeline(const PadSettings &settings);

  /// One synchronous read of the four chips at millis() = t_ms.
  void add_sample(uint32_t t_ms, const RawSample &raw);
  /// Call from every loop: keeps frames coming when the amplifiers fall silent.
  void tick(uint32_t now_ms);
  /// The tare command.
  void request_tare(uint32_t now_ms) { this->tare_.request(now_ms); }

  /// Encoded frames ready to publish, oldest first (the list is emptied).
  std::vector<std::string> take_frames();
  /// Tare events since the last call (the list is emptied).
  std::vector<TareOutcome> take_tare_events();
  CellAverages take_averages();

  bool idle() const { return this->idle_.idle(); }
  bool tare_pending() const { return this->tare_.manual_pending(); }
  const CellLoads &last_kg() const { return this->last_kg_; }
  const CellCalibration &calibration(std::size_t cell) const { return this->settings_.cells[cell]; }
  uint32_t rejected(std::size_t cell) const { return this->filters_[cell].rejected(); }

 protected:
  PadSettings settings_;
  std::array<SpikeFilter, NUM_CELLS> filters_;
  TareController tare_;
  IdleTracker idle_;
  FrameBatcher batcher_;
  CellLoads last_kg_{};
  CellAverages averages_{};
  std::vector<std::string> frames_;
  std::vector<TareOutcome> tare_events_;
};

}  // namespace esphome::balance_pad
