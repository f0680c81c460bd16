#include "hx711_chip.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace esphome::pad_bench {

static constexpr int32_t MIN_CODE = -0x800000;
static constexpr int32_t MAX_CODE = 0x7FFFFF;
static constexpr uint8_t DATA_BITS = 24;
static constexpr uint8_t PULSES_A_128 = 25;
static constexpr uint8_t PULSES_A_64 = 27;

Hx711Chip::Hx711Chip(uint64_t power_up_us, uint64_t period_us, Input input)
    : period_us_(period_us), next_conversion_us_(power_up_us + HX711_SETTLING_US), input_(std::move(input)) {}

int32_t Hx711Chip::convert_(uint64_t time_us) const {
  double counts = 0.0;  // channel B: nothing is wired to it on the pad
  if (this->selected_pulses_ == PULSES_A_128) {
    counts = this->input_(time_us);
  } else if (this->selected_pulses_ == PULSES_A_64) {
    counts = this->input_(time_us) / 2.0;
  }
  // Out of range, the chip outputs its saturation codes 0x800000 / 0x7FFFFF.
  return static_cast<int32_t>(std::clamp(std::lround(counts), static_cast<long>(MIN_CODE), static_cast<long>(MAX_CODE)));
}

void Hx711Chip::advance_(uint64_t now_us) {
  while (now_us >= this->next_conversion_us_) {
    this->stats_.conversions++;
    this->next_conversion_us_ += this->period_us_;
    if (this->pulses_ > 0 && this->pulses_ <= DATA_BITS) {
      // The bits being shifted out stay as they are; this conversion is lost.
      this->stats_.dropped_during_read++;
      continue;
    }
    if (this->pulses_ > DATA_BITS) {
      // The read ended: its pulse count picks the input of this conversion onwards.
      this->selected_pulses_ = this->pulses_;
      if (this->pulses_ == PULSES_A_128) {
        this->stats_.reads++;
      } else {
        this->stats_.other_pulse_counts++;
      }
    } else if (this->ready_) {
      this->stats_.lost++;
    }
    this->pulses_ = 0;
    this->output_ = this->convert_(this->next_conversion_us_ - this->period_us_);
    this->ready_ = true;
  }
}

void Hx711Chip::clock(bool high, uint64_t now_us) {
  this->advance_(now_us);
  if (high == this->clock_high_) {
    return;
  }
  this->clock_high_ = high;
  if (!high) {
    const uint64_t high_us = now_us - this->clock_rose_us_;
    this->stats_.longest_high_us = std::max(this->stats_.longest_high_us, high_us);
    if (high_us > HX711_POWER_DOWN_US) {
      this->stats_.long_highs++;
    }
    return;
  }
  this->clock_rose_us_ = now_us;
  if (this->pulses_ == 0 && !this->ready_) {
    this->stats_.busy_clocks++;
    return;
  }
  this->ready_ = false;
  // Beyond 27 pulses the count stays at 28: "too many", selecting nothing valid.
  this->pulses_ = std::min<uint8_t>(this->pulses_ + 1, PULSES_A_64 + 1);
}

bool Hx711Chip::data(uint64_t now_us) {
  this->advance_(now_us);
  if (this->pulses_ == 0) {
    return !this->ready_;
  }
  if (this->pulses_ <= DATA_BITS) {
    const auto code = static_cast<uint32_t>(this->output_) & 0xFFFFFFu;
    return ((code >> (DATA_BITS - this->pulses_)) & 1u) != 0;
  }
  return true;  // the 25th pulse pulled DOUT high until the next conversion
}

}  // namespace esphome::pad_bench
