#pragma once
// The host build's bench (test-only, see __init__.py): every host GPIO is a wire of the bench;
// four simulated HX711 sit on the wires that balance_pad's YAML names as clock and data pins, and
// a scripted person stands on their load cells.

#ifdef USE_HOST

#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "esphome/core/component.h"
#include "esphome/core/hal.h"

#include "hx711_chip.h"
#include "scripted_person.h"

namespace esphome::pad_bench {

class PadBench : public Component {
 public:
  PadBench();

  void setup() override;
  void loop() override;
  void dump_config() override;
  void on_shutdown() override;
  float get_setup_priority() const override { return setup_priority::HARDWARE; }

  void set_geometry(float width_mm, float depth_mm) {
    this->width_mm_ = width_mm;
    this->depth_mm_ = depth_mm;
  }
  void set_person(const PersonScript &script) { this->script_ = script; }
  void set_noise_kg(float noise_kg) { this->noise_kg_ = noise_kg; }
  void set_stats_interval_ms(uint32_t interval_ms) { this->stats_interval_ms_ = interval_ms; }
  /// Chip `cell` (0..3 = tl, tr, bl, br) with its PD_SCK and DOUT wires, its own conversion rate,
  /// and the counts its cell gives per kg and with nothing on it.
  void add_chip(std::size_t cell, uint8_t clock_pin, uint8_t data_pin, float rate_hz, float counts_per_kg,
                float empty_counts);

  /// A wire driven by the firmware.
  void write(uint8_t pin, bool level);
  /// A wire read by the firmware: a chip's DOUT, or what was last driven (pull-up: high).
  bool read(uint8_t pin);
  void configure(uint8_t pin, gpio::Flags flags);

 protected:
  struct Chip {
    std::size_t cell;
    uint8_t clock_pin;
    uint8_t data_pin;
    float counts_per_kg;
    float empty_counts;
    std::unique_ptr<Hx711Chip> chip;
  };

  uint64_t now_us_() const;
  double input_counts_(const Chip &chip, uint64_t time_us);
  void log_stats_();

  uint64_t start_us_;
  float width_mm_{0};
  float depth_mm_{0};
  float noise_kg_{0};
  uint32_t stats_interval_ms_{0};
  uint32_t last_stats_ms_{0};
  PersonScript script_;
  std::vector<Chip> chips_;
  std::array<bool, 256> levels_{};
  std::mt19937 noise_source_{20260};
  std::normal_distribution<double> noise_{0.0, 1.0};
};

extern PadBench *global_pad_bench;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

/// A host GPIO that is a wire of the bench (all host pins are, in the host build).
class BenchPin : public InternalGPIOPin {
 public:
  void set_pin(uint8_t pin) { this->pin_ = pin; }
  void set_inverted(bool inverted) { this->inverted_ = inverted; }
  void set_flags(gpio::Flags flags) { this->flags_ = flags; }

  void setup() override { this->pin_mode(this->flags_); }
  void pin_mode(gpio::Flags flags) override;
  bool digital_read() override;
  void digital_write(bool value) override;
  size_t dump_summary(char *buffer, size_t len) const override;
  void detach_interrupt() const override {}
  ISRInternalGPIOPin to_isr() const override;
  uint8_t get_pin() const override { return this->pin_; }
  gpio::Flags get_flags() const override { return this->flags_; }
  bool is_inverted() const override { return this->inverted_; }

 protected:
  void attach_interrupt(void (*func)(void *), void *arg, gpio::InterruptType type) const override;

  uint8_t pin_{0};
  bool inverted_{false};
  gpio::Flags flags_{};
};

}  // namespace esphome::pad_bench

#endif  // USE_HOST
