#include "frame_batcher.h"

#include <cmath>

namespace esphome::balance_pad {

bool IdleTracker::update(uint32_t t_ms, const CellLoads &kg) {
  float known_total_kg = 0.0f;
  bool complete = true;
  for (float cell_kg : kg) {
    if (is_missing(cell_kg)) {
      complete = false;
    } else {
      known_total_kg += cell_kg;
    }
  }
  if (known_total_kg >= this->config_.threshold_kg) {
    this->idle_ = false;
    this->below_ = false;
    return this->idle_;
  }
  if (!complete) {
    return this->idle_;
  }
  if (!this->below_) {
    this->below_ = true;
    this->below_since_ms_ = t_ms;
  }
  if (elapsed_ms(t_ms, this->below_since_ms_) >= this->config_.enter_after_ms) {
    this->idle_ = true;
  }
  return this->idle_;
}

FrameBatcher::FrameBatcher(const FrameConfig &config) : config_(config) {
  if (this->config_.samples_per_frame < 1) {
    this->config_.samples_per_frame = 1;
  } else if (this->config_.samples_per_frame > 50) {
    this->config_.samples_per_frame = 50;
  }
  this->gap_ms_ = 1500.0f / this->config_.rate_hz;
  this->pending_.rate_hz = this->config_.rate_hz;
}

void FrameBatcher::add_sample(uint32_t t_ms, const CellLoads &kg, bool idle,
                              std::vector<std::string> &out) {
  const bool gap = this->has_sample_ && static_cast<float>(elapsed_ms(t_ms, this->last_sample_ms_)) > this->gap_ms_;
  this->has_sample_ = true;
  this->last_sample_ms_ = t_ms;
  if (idle) {
    this->flush_(out);
    if (!this->idle_emitted_ || elapsed_ms(t_ms, this->last_emit_ms_) >= this->config_.idle_interval_ms) {
      this->emit_single_(t_ms, kg, out);
      this->idle_emitted_ = true;
    }
    return;
  }
  this->idle_emitted_ = false;
  if (gap) {
    this->flush_(out);
  }
  if (this->pending_.samples.empty()) {
    this->pending_.t_ms = t_ms;
  }
  this->pending_.samples.push_back(kg);
  if (this->pending_.samples.size() >= this->config_.samples_per_frame) {
    this->flush_(out);
  }
}

void FrameBatcher::tick(uint32_t now_ms, std::vector<std::string> &out) {
  const bool silent = !this->has_sample_ || elapsed_ms(now_ms, this->last_sample_ms_) >= this->config_.idle_interval_ms;
  const bool due = !this->has_emitted_ || elapsed_ms(now_ms, this->last_emit_ms_) >= this->config_.idle_interval_ms;
  if (silent && due) {
    this->flush_(out);
    CellLoads none;
    none.fill(MISSING_KG);
    this->emit_single_(now_ms, none, out);
  }
}

void FrameBatcher::flush_(std::vector<std::string> &out) {
  if (this->pending_.samples.empty()) {
    return;
  }
  this->pending_.seq = this->next_seq_++;
  out.push_back(encode_frame(this->pending_));
  this->pending_.samples.clear();
  this->has_emitted_ = true;
  this->last_emit_ms_ = this->pending_.t_ms;
}

void FrameBatcher::emit_single_(uint32_t t_ms, const CellLoads &kg, std::vector<std::string> &out) {
  this->pending_.t_ms = t_ms;
  this->pending_.samples.push_back(kg);
  this->flush_(out);
}

}  // namespace esphome::balance_pad
