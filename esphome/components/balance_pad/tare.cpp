#include "tare.h"

#include <algorithm>
#include <cmath>

namespace esphome::balance_pad {

void StabilityWindow::restart(uint32_t t_ms) {
  this->started_ = true;
  this->start_ms_ = t_ms;
  this->blocks_ = 0;
  this->samples_ = 0;
  this->in_block_ = 0;
  this->block_sum_kg_.fill(0.0);
  this->sum_counts_.fill(0);
}

bool StabilityWindow::add(const RawSample &raw, const CellLoads &kg) {
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    if (!raw[i].present || is_missing(kg[i])) {
      return false;
    }
  }
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    this->block_sum_kg_[i] += kg[i];
    this->sum_counts_[i] += raw[i].counts;
  }
  this->samples_++;
  if (++this->in_block_ < this->block_samples_) {
    return true;
  }
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    const auto mean = static_cast<float>(this->block_sum_kg_[i] / this->block_samples_);
    this->min_kg_[i] = this->blocks_ == 0 ? mean : std::min(this->min_kg_[i], mean);
    this->max_kg_[i] = this->blocks_ == 0 ? mean : std::max(this->max_kg_[i], mean);
    this->block_sum_kg_[i] = 0.0;
  }
  this->in_block_ = 0;
  this->blocks_++;
  return true;
}

float StabilityWindow::max_range_kg() const {
  float range = 0.0f;
  if (this->blocks_ < 2) {
    return range;
  }
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    range = std::max(range, this->max_kg_[i] - this->min_kg_[i]);
  }
  return range;
}

std::array<int32_t, NUM_CELLS> StabilityWindow::mean_counts() const {
  std::array<int32_t, NUM_CELLS> means{};
  if (this->samples_ == 0) {
    return means;
  }
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    means[i] = static_cast<int32_t>(
        std::llround(static_cast<double>(this->sum_counts_[i]) / this->samples_));
  }
  return means;
}

TareController::TareController(const TareConfig &config)
    : config_(config), auto_window_(config.block_samples), manual_window_(config.block_samples) {}

void TareController::request(uint32_t now_ms) {
  this->manual_pending_ = true;
  this->manual_requested_ms_ = now_ms;
  this->manual_window_.stop();
}

TareOutcome TareController::feed(uint32_t t_ms, const RawSample &raw, const CellLoads &kg,
                                 std::array<int32_t, NUM_CELLS> &zero_counts) {
  if (this->manual_pending_) {
    return this->feed_manual_(t_ms, raw, kg, zero_counts);
  }
  return this->feed_auto_(t_ms, raw, kg, zero_counts);
}

TareOutcome TareController::feed_manual_(uint32_t t_ms, const RawSample &raw, const CellLoads &kg,
                                         std::array<int32_t, NUM_CELLS> &zero_counts) {
  if (elapsed_ms(t_ms, this->manual_requested_ms_) > this->config_.manual_timeout_ms) {
    this->manual_pending_ = false;
    this->auto_window_.stop();
    return TareOutcome::MANUAL_FAILED;
  }
  if (this->feed_window_(this->manual_window_, t_ms, raw, kg, this->config_.manual_max_range_kg,
                         this->config_.manual_window_ms)) {
    zero_counts = this->manual_window_.mean_counts();
    this->manual_pending_ = false;
    this->auto_window_.stop();
    return TareOutcome::MANUAL_TARED;
  }
  return TareOutcome::NONE;
}

TareOutcome TareController::feed_auto_(uint32_t t_ms, const RawSample &raw, const CellLoads &kg,
                                       std::array<int32_t, NUM_CELLS> &zero_counts) {
  for (float cell_kg : kg) {
    if (is_missing(cell_kg) || std::fabs(cell_kg) > this->config_.zero_band_kg) {
      this->auto_window_.stop();
      return TareOutcome::NONE;
    }
  }
  if (this->feed_window_(this->auto_window_, t_ms, raw, kg, this->config_.auto_max_range_kg,
                         this->config_.auto_window_ms)) {
    zero_counts = this->auto_window_.mean_counts();
    this->auto_window_.stop();
    return TareOutcome::AUTO_TARED;
  }
  return TareOutcome::NONE;
}

bool TareController::feed_window_(StabilityWindow &window, uint32_t t_ms, const RawSample &raw,
                                  const CellLoads &kg, float max_range_kg, uint32_t duration_ms) {
  if (!window.started()) {
    window.restart(t_ms);
  }
  if (!window.add(raw, kg)) {
    window.stop();
    return false;
  }
  if (window.max_range_kg() >= max_range_kg) {
    // Unsteady: start a fresh window at this sample.
    window.restart(t_ms);
    window.add(raw, kg);
    return false;
  }
  return elapsed_ms(t_ms, window.start_ms()) >= duration_ms && window.blocks() >= 2;
}

}  // namespace esphome::balance_pad
