// The host build's bench (esphome/tests/host/test_components/pad_bench/) against the HX711
// datasheet and its own script: the checks of the host firmware trust both.
#include "host/test_components/pad_bench/hx711_chip.h"
#include "host/test_components/pad_bench/scripted_person.h"
#include "test_runner.h"

#include <cmath>

using namespace esphome::pad_bench;

namespace {

constexpr uint64_t PERIOD_US = 12500;  // 80 SPS
constexpr uint64_t FIRST_US = HX711_SETTLING_US;

/// Clocks `pulses` pulses of 1 µs from `t_us` (advanced), reading DOUT while the clock is high
/// for the first 24 as the datasheet's timing diagram shows; returns the 24 bits, sign-extended.
int32_t read(Hx711Chip &chip, uint64_t &t_us, int pulses) {
  uint32_t bits = 0;
  for (int pulse = 1; pulse <= pulses; pulse++) {
    chip.clock(true, t_us++);
    if (pulse <= 24) {
      bits = (bits << 1) | (chip.data(t_us) ? 1u : 0u);
    }
    chip.clock(false, t_us++);
  }
  return static_cast<int32_t>(bits << 8) >> 8;
}

}  // namespace

TEST(hx711_chip_is_busy_while_settling_then_ready_with_dout_low) {
  Hx711Chip chip(0, PERIOD_US, [](uint64_t) { return 1000.0; });
  CHECK(chip.data(FIRST_US - 1));
  CHECK(!chip.data(FIRST_US));
  CHECK_EQ(chip.stats().conversions, 1u);
}

TEST(hx711_chip_shifts_out_24_bits_msb_first_and_the_25th_pulse_raises_dout) {
  Hx711Chip chip(0, PERIOD_US, [](uint64_t) { return -123456.0; });
  uint64_t t = FIRST_US;
  CHECK_EQ(read(chip, t, 25), -123456);
  CHECK(chip.data(t));  // high until the next conversion
  CHECK(!chip.data(FIRST_US + PERIOD_US));
  CHECK_EQ(chip.stats().reads, 1u);
  CHECK_EQ(chip.stats().other_pulse_counts, 0u);
}

TEST(hx711_chip_selects_channel_and_gain_by_the_pulses_of_the_previous_read) {
  Hx711Chip chip(0, PERIOD_US, [](uint64_t) { return 40000.0; });
  uint64_t t = FIRST_US;
  CHECK_EQ(read(chip, t, 27), 40000);  // this conversion was still channel A, gain 128
  t = FIRST_US + PERIOD_US;
  CHECK_EQ(read(chip, t, 26), 20000);  // gain 64: half the counts
  t = FIRST_US + 2 * PERIOD_US;
  CHECK_EQ(read(chip, t, 25), 0);  // channel B: nothing wired to it
  t = FIRST_US + 3 * PERIOD_US;
  CHECK_EQ(read(chip, t, 25), 40000);  // back on channel A, gain 128
  CHECK_EQ(chip.stats().other_pulse_counts, 2u);
}

TEST(hx711_chip_saturates_at_its_24_bit_codes) {
  Hx711Chip high(0, PERIOD_US, [](uint64_t) { return 1e9; });
  Hx711Chip low(0, PERIOD_US, [](uint64_t) { return -1e9; });
  uint64_t t = FIRST_US;
  CHECK_EQ(read(high, t, 25), 0x7FFFFF);
  t = FIRST_US;
  CHECK_EQ(read(low, t, 25), -0x800000);
}

TEST(hx711_chip_counts_busy_clocks_lost_and_dropped_conversions_and_long_highs) {
  double input = 100.0;
  Hx711Chip chip(0, PERIOD_US, [&input](uint64_t) { return input; });
  uint64_t t = 1000;
  read(chip, t, 1);  // while settling: nothing to read
  CHECK_EQ(chip.stats().busy_clocks, 1u);
  CHECK(!chip.data(FIRST_US + 2 * PERIOD_US));  // three conversions, the first two never read
  CHECK_EQ(chip.stats().lost, 2u);
  // A read that straddles the next conversion keeps its bits; that conversion is dropped.
  t = FIRST_US + 3 * PERIOD_US - 100;
  const int32_t high_bits = read(chip, t, 12);
  input = 200.0;
  chip.clock(true, FIRST_US + 3 * PERIOD_US);
  const bool bit_13 = chip.data(FIRST_US + 3 * PERIOD_US);
  chip.clock(false, FIRST_US + 3 * PERIOD_US + 100);  // held high for 100 µs
  t = FIRST_US + 3 * PERIOD_US + 101;
  uint32_t low_bits = 0;
  for (int pulse = 14; pulse <= 24; pulse++) {
    chip.clock(true, t++);
    low_bits = (low_bits << 1) | (chip.data(t) ? 1u : 0u);
    chip.clock(false, t++);
  }
  CHECK_EQ(high_bits, 0);  // 100 has no bits among the 12 most significant
  CHECK_EQ((static_cast<uint32_t>(bit_13) << 11) | low_bits, 100u);
  CHECK_EQ(chip.stats().dropped_during_read, 1u);
  CHECK_EQ(chip.stats().long_highs, 1u);
  CHECK(chip.stats().longest_high_us >= 100u);
}

TEST(scripted_person_steps_on_stands_on_one_leg_for_the_hold_and_steps_off) {
  PersonScript script{70.0f, true, 9.0f, 6.0f, 0.6f, 4.0f, 0.5f, 8.0f, 0.12f, 2.0f, 0.6f};
  CHECK_NEAR(script.loop_s(), 21.82, 1e-4);
  CHECK_NEAR(body_at(script, 3.0).total_kg, 0.0, 1e-6);
  const BodyLoad standing = body_at(script, 8.0);
  CHECK_NEAR(standing.total_kg, 70.0, 0.7 + 1e-3);  // 1 % wobble
  CHECK(std::fabs(standing.ml_cm) < 1.0f);
  for (double t = 11.1; t < 19.1; t += 0.25) {
    const BodyLoad on_left = body_at(script, t);
    CHECK(std::fabs(on_left.ml_cm + 9.0f) < 1.3f);  // over the left foot, swaying
  }
  CHECK(std::fabs(body_at(script, 19.3).ml_cm) < 1.0f);  // foot down again
  CHECK_NEAR(body_at(script, 21.82 + 3.0).total_kg, 0.0, 1e-6);  // the next loop
}

TEST(scripted_person_corner_loads_give_back_the_centre_of_pressure) {
  const BodyLoad body{70.0f, -9.0f, 1.0f};
  const auto loads = corner_loads_kg(body, 433.0f, 238.0f);
  const float total = loads[0] + loads[1] + loads[2] + loads[3];
  CHECK_NEAR(total, 70.0, 1e-4);
  // docs/hardware.md: ML = (W/20)·((tr+br)−(tl+bl))/S, AP = (D/20)·((tl+tr)−(bl+br))/S
  CHECK_NEAR(43.3f / 2 * ((loads[1] + loads[3]) - (loads[0] + loads[2])) / total, -9.0, 1e-4);
  CHECK_NEAR(23.8f / 2 * ((loads[0] + loads[1]) - (loads[2] + loads[3])) / total, 1.0, 1e-4);
}
