#ifdef USE_HOST

#include "pad_bench.h"

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <algorithm>
#include <chrono>
#include <cinttypes>

#include "esphome/core/log.h"

namespace esphome::pad_bench {

static const char *const TAG = "pad_bench";
static const char *const CELL_NAMES[4] = {"tl", "tr", "bl", "br"};
static constexpr uint64_t MAX_IDLE_US = 1000;

PadBench *global_pad_bench = nullptr;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

PadBench::PadBench() : start_us_(this->now_us_()) { global_pad_bench = this; }

uint64_t PadBench::now_us_() const {
  // CLOCK_MONOTONIC, the clock of ESPHome's millis() and micros() on the host, but 64 bits wide.
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

void PadBench::add_chip(std::size_t cell, uint8_t clock_pin, uint8_t data_pin, float rate_hz, float counts_per_kg,
                        float empty_counts) {
  this->chips_.push_back(Chip{cell, clock_pin, data_pin, counts_per_kg, empty_counts, nullptr});
  const std::size_t index = this->chips_.size() - 1;
  const auto period_us = static_cast<uint64_t>(1e6 / rate_hz + 0.5);
  this->chips_[index].chip = std::make_unique<Hx711Chip>(
      this->start_us_, period_us, [this, index](uint64_t time_us) { return this->input_counts_(this->chips_[index], time_us); });
}

double PadBench::input_counts_(const Chip &chip, uint64_t time_us) {
  const double time_s = static_cast<double>(time_us - this->start_us_) / 1e6;
  const std::array<float, 4> loads = corner_loads_kg(body_at(this->script_, time_s), this->width_mm_, this->depth_mm_);
  const double kg = loads[chip.cell] + this->noise_kg_ * this->noise_(this->noise_source_);
  return chip.empty_counts + kg * chip.counts_per_kg;
}

void PadBench::setup() {
#ifdef __linux__
  // A 1 µs delayMicroseconds() sleeps 50 µs with Linux's default timer slack; 1 ns of slack keeps
  // the HX711 clock pulses nearer their ESP32 length.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
  this->last_stats_ms_ = millis();
}

void PadBench::dump_config() {
  ESP_LOGCONFIG(TAG,
                "Bench: %u simulated HX711, person %.1f kg on the %s leg for %.2f s every %.2f s, noise %.3f kg",
                static_cast<unsigned>(this->chips_.size()), this->script_.mass_kg,
                this->script_.stance_left ? "left" : "right", this->script_.hold_s, this->script_.loop_s(),
                this->noise_kg_);
}

void PadBench::loop() {
  // The pad polls DOUT in every main-loop pass, which on the host would take a whole CPU core:
  // sleep until the next conversion instead (at most 1 ms, so MQTT and timers keep their pace).
  uint64_t next_us = UINT64_MAX;
  for (const Chip &chip : this->chips_) {
    next_us = std::min(next_us, chip.chip->next_conversion_us());
  }
  const uint64_t now_us = this->now_us_();
  if (next_us > now_us) {
    delayMicroseconds(static_cast<uint32_t>(std::min<uint64_t>(next_us - now_us, MAX_IDLE_US)));
  }
  const uint32_t now = millis();
  if (this->stats_interval_ms_ > 0 && now - this->last_stats_ms_ >= this->stats_interval_ms_) {
    this->last_stats_ms_ = now;
    this->log_stats_();
  }
}

void PadBench::on_shutdown() { this->log_stats_(); }

void PadBench::log_stats_() {
  for (const Chip &chip : this->chips_) {
    const Hx711Stats &s = chip.chip->stats();
    ESP_LOGI(TAG,
             "HX711 %s: %" PRIu32 " conversions, %" PRIu32 " read, %" PRIu32 " lost, %" PRIu32
             " dropped during a read, %" PRIu32 " other pulse counts, %" PRIu32 " busy clocks, %" PRIu32
             " clock highs > 60 us (longest %" PRIu64 " us)",
             CELL_NAMES[chip.cell], s.conversions, s.reads, s.lost, s.dropped_during_read, s.other_pulse_counts,
             s.busy_clocks, s.long_highs, s.longest_high_us);
  }
}

void PadBench::write(uint8_t pin, bool level) {
  this->levels_[pin] = level;
  const uint64_t now = this->now_us_();
  for (Chip &chip : this->chips_) {
    if (chip.clock_pin == pin) {
      chip.chip->clock(level, now);
    }
  }
}

bool PadBench::read(uint8_t pin) {
  for (Chip &chip : this->chips_) {
    if (chip.data_pin == pin) {
      return chip.chip->data(this->now_us_());
    }
  }
  return this->levels_[pin];
}

void PadBench::configure(uint8_t pin, gpio::Flags flags) {
  if ((flags & gpio::FLAG_PULLUP) != 0) {
    this->levels_[pin] = true;
  }
}

void BenchPin::pin_mode(gpio::Flags flags) { global_pad_bench->configure(this->pin_, flags); }
bool BenchPin::digital_read() { return global_pad_bench->read(this->pin_) != this->inverted_; }
void BenchPin::digital_write(bool value) { global_pad_bench->write(this->pin_, value != this->inverted_); }
size_t BenchPin::dump_summary(char *buffer, size_t len) const {
  return snprintf(buffer, len, "GPIO%u (bench wire)", this->pin_);
}
ISRInternalGPIOPin BenchPin::to_isr() const {
  ESP_LOGE(TAG, "GPIO%u: bench wires have no interrupts", this->pin_);
  return ISRInternalGPIOPin();
}
void BenchPin::attach_interrupt(void (* /*func*/)(void *), void * /*arg*/, gpio::InterruptType /*type*/) const {
  ESP_LOGE(TAG, "GPIO%u: bench wires have no interrupts", this->pin_);
}

}  // namespace esphome::pad_bench

#endif  // USE_HOST
