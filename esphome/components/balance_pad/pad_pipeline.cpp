#include "pad_pipeline.h"

#include <utility>

namespace esphome::balance_pad {

PadPipeline::PadPipeline(const PadSettings &settings)
    : settings_(settings),
      filters_{SpikeFilter(settings.spike), SpikeFilter(settings.spike), SpikeFilter(settings.spike),
               SpikeFilter(settings.spike)},
      tare_(settings.tare),
      idle_(settings.idle),
      batcher_(settings.frame) {
  this->last_kg_.fill(MISSING_KG);
}

void PadPipeline::add_sample(uint32_t t_ms, const RawSample &raw) {
  CellLoads kg;
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    kg[i] = this->filters_[i].filter(raw[i], this->settings_.cells[i]);
    if (!is_missing(kg[i])) {
      this->averages_.counts[i] += raw[i].counts;
      this->averages_.kg[i] += kg[i];
      this->averages_.samples[i]++;
    }
  }
  this->last_kg_ = kg;

  // The sample is sent as measured; a tare it triggers applies from the next sample on.
  const bool idle = this->idle_.update(t_ms, kg);
  this->batcher_.add_sample(t_ms, kg, idle, this->frames_);

  std::array<int32_t, NUM_CELLS> zeros{};
  const TareOutcome outcome = this->tare_.feed(t_ms, raw, kg, zeros);
  if (outcome == TareOutcome::NONE) {
    return;
  }
  if (outcome != TareOutcome::MANUAL_FAILED) {
    for (std::size_t i = 0; i < NUM_CELLS; i++) {
      this->settings_.cells[i].zero_counts = zeros[i];
      this->filters_[i].reset();
    }
  }
  this->tare_events_.push_back(outcome);
}

void PadPipeline::tick(uint32_t now_ms) { this->batcher_.tick(now_ms, this->frames_); }

std::vector<std::string> PadPipeline::take_frames() { return std::exchange(this->frames_, {}); }

std::vector<TareOutcome> PadPipeline::take_tare_events() { return std::exchange(this->tare_events_, {}); }

CellAverages PadPipeline::take_averages() {
  CellAverages averages = std::exchange(this->averages_, CellAverages{});
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    if (averages.samples[i] > 0) {
      averages.counts[i] /= averages.samples[i];
      averages.kg[i] /= averages.samples[i];
    }
  }
  return averages;
}

}  // namespace esphome::balance_pad
