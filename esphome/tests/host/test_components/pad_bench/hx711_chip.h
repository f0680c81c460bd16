#pragma once
// One simulated HX711 seen from its two pins, for the host build's bench (test-only). Protocol
// from the Avia Semiconductor HX711 datasheet: a conversion is ready when DOUT goes low; each
// PD_SCK rising edge then shifts out one bit, MSB first, 24 bits of two's complement; the 25th,
// 26th or 27th pulse pulls DOUT high again and selects channel A gain 128, channel B gain 32 or
// channel A gain 64 for the next conversion. Plain C++: no ESPHome, no clock of its own.

#include <cstdint>
#include <functional>

namespace esphome::pad_bench {

/// PD_SCK high for longer than this powers a real HX711 down (datasheet).
inline constexpr uint64_t HX711_POWER_DOWN_US = 60;
/// Output settling after power-up at 80 SPS (datasheet): no conversion before it.
inline constexpr uint64_t HX711_SETTLING_US = 50000;

/// What the chip did, for the bench's report (a real chip keeps no such record).
struct Hx711Stats {
  uint32_t conversions{0};
  /// Reads that shifted out all 24 bits and ended with 25 pulses (channel A, gain 128), counted
  /// when the next conversion completes.
  uint32_t reads{0};
  /// Reads that ended with 26 or 27 pulses (channel B or gain 64 next) or more than 27: the next
  /// conversions read channel B (0, nothing is wired to it) or half the load; 28+ reads 0.
  uint32_t other_pulse_counts{0};
  /// Conversions replaced by the next one before anyone read them.
  uint32_t lost{0};
  /// Conversions that completed while a read was under way: modelled as lost, the read goes on
  /// undisturbed (the datasheet does not say; an ESP32 read takes about 60 µs, so it is rare there).
  uint32_t dropped_during_read{0};
  /// PD_SCK rising edges while no conversion was ready (a shared clock does this to a late chip).
  uint32_t busy_clocks{0};
  /// PD_SCK high for longer than HX711_POWER_DOWN_US (a real chip would power down).
  uint32_t long_highs{0};
  uint64_t longest_high_us{0};
};

class Hx711Chip {
 public:
  /// The differential input of channel A, in counts at gain 128, at a time in µs.
  using Input = std::function<double(uint64_t time_us)>;

  /// A chip powered up at `power_up_us` whose conversions complete every `period_us`.
  Hx711Chip(uint64_t power_up_us, uint64_t period_us, Input input);

  /// PD_SCK driven to `high` at `now_us`.
  void clock(bool high, uint64_t now_us);
  /// DOUT at `now_us`: low (false) when a conversion is ready, then the bits of a read.
  bool data(uint64_t now_us);
  /// When the next conversion completes (µs).
  uint64_t next_conversion_us() const { return this->next_conversion_us_; }
  const Hx711Stats &stats() const { return this->stats_; }

 protected:
  void advance_(uint64_t now_us);
  int32_t convert_(uint64_t time_us) const;

  uint64_t period_us_;
  uint64_t next_conversion_us_;
  Input input_;
  /// Pulses of the last finished read: selects the input and gain of the next conversion.
  uint8_t selected_pulses_{25};
  int32_t output_{0};
  bool ready_{false};
  uint8_t pulses_{0};
  bool clock_high_{false};
  uint64_t clock_rose_us_{0};
  Hx711Stats stats_;
};

}  // namespace esphome::pad_bench
