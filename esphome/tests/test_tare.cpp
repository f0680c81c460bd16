#include "../components/balance_pad/tare.h"
#include "test_runner.h"

#include <functional>

using namespace esphome::balance_pad;

namespace {

constexpr float COUNTS_PER_KG = 1000.0f;
constexpr uint32_t PERIOD_MS = 12;  // close enough to 80 SPS for window bookkeeping

/// A pad whose cells read `kg` (plus per-cell offsets in counts) with zero counts at 0.
struct FakeSample {
  RawSample raw;
  CellLoads kg;
};

FakeSample sample(const CellLoads &kg, const std::array<int32_t, NUM_CELLS> &zero = {0, 0, 0, 0}) {
  FakeSample s;
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    s.raw[i] = RawReading{true, zero[i] + static_cast<int32_t>(kg[i] * COUNTS_PER_KG)};
    s.kg[i] = kg[i];
  }
  return s;
}

/// Feeds `count` samples from `t0`; returns the first non-NONE outcome (and its time).
TareOutcome run(TareController &tare, uint32_t &t_ms, int count, const std::function<CellLoads(int)> &loads,
                std::array<int32_t, NUM_CELLS> &zeros, const std::array<int32_t, NUM_CELLS> &offset = {0, 0, 0, 0}) {
  for (int n = 0; n < count; n++) {
    FakeSample s = sample(loads(n), offset);
    TareOutcome outcome = tare.feed(t_ms, s.raw, s.kg, zeros);
    t_ms += PERIOD_MS;
    if (outcome != TareOutcome::NONE) {
      return outcome;
    }
  }
  return TareOutcome::NONE;
}

}  // namespace

TEST(empty_stable_pad_is_tared_after_ten_seconds) {
  TareController tare;
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 1000;
  // 0.5 kg of drift on cell 0, 20 g alternating noise everywhere: still "empty and stable".
  auto drifted = [](int n) {
    float noise = (n % 2) ? 0.02f : -0.02f;
    return CellLoads{0.5f + noise, noise, -noise, 0.0f};
  };
  std::array<int32_t, NUM_CELLS> offset = {100, 200, 300, 400};
  CHECK(run(tare, t, 800, drifted, zeros, offset) == TareOutcome::NONE);  // 9.6 s: not yet
  CHECK(run(tare, t, 40, drifted, zeros, offset) == TareOutcome::AUTO_TARED);
  CHECK(t - 1000 >= 10000);
  CHECK_NEAR(zeros[0], 100 + 500, 1);
  CHECK_NEAR(zeros[1], 200, 1);
  CHECK_NEAR(zeros[3], 400, 1);
}

TEST(no_auto_tare_beyond_the_zero_band) {
  TareController tare;
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 0;
  auto box = [](int) { return CellLoads{2.5f, 0.0f, 0.0f, 0.0f}; };  // a still 2.5 kg load
  CHECK(run(tare, t, 2000, box, zeros) == TareOutcome::NONE);
}

TEST(no_auto_tare_while_someone_stands_on_the_pad) {
  TareConfig config;
  config.zero_band_kg = 100.0f;  // even with the zero band out of the way
  TareController tare(config);
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 0;
  // A person swaying slowly: about half a kilogram of corner-load change over a second.
  auto person = [](int n) {
    float shift = 0.5f * std::sin(static_cast<float>(n) * 0.05f);
    return CellLoads{18.0f + shift, 18.0f - shift, 17.0f + shift, 17.0f - shift};
  };
  CHECK(run(tare, t, 4000, person, zeros) == TareOutcome::NONE);
}

TEST(slow_range_over_limit_restarts_the_window) {
  TareController tare;
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 0;
  // A 0.15 kg step after 5 s: the window restarts and tares 10 s after the step.
  auto step = [](int n) { return CellLoads{n < 400 ? 0.0f : 0.15f, 0.0f, 0.0f, 0.0f}; };
  CHECK(run(tare, t, 1400, step, zeros) == TareOutcome::AUTO_TARED);
  CHECK(t > 400 * PERIOD_MS + 10000);
  CHECK(t < 420 * PERIOD_MS + 10000);
  CHECK_NEAR(zeros[0], 150, 1);
}

TEST(missing_reading_restarts_auto_window) {
  TareController tare;
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 0;
  auto empty = [](int n) { return CellLoads{n == 500 ? MISSING_KG : 0.0f, 0.0f, 0.0f, 0.0f}; };
  CHECK(run(tare, t, 1200, empty, zeros) == TareOutcome::NONE);
  CHECK(run(tare, t, 200, empty, zeros) == TareOutcome::AUTO_TARED);
  CHECK(t >= 501 * PERIOD_MS + 10000);
}

TEST(tare_command_zeroes_a_still_pad_after_a_second) {
  TareController tare;
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 0;
  auto drifted = [](int) { return CellLoads{4.0f, -3.0f, 0.0f, 0.0f}; };  // outside the auto band
  tare.request(t);
  CHECK(tare.manual_pending());
  CHECK(run(tare, t, 200, drifted, zeros) == TareOutcome::MANUAL_TARED);
  CHECK(t <= 1100 + PERIOD_MS);
  CHECK(!tare.manual_pending());
  CHECK_NEAR(zeros[0], 4000, 1);
  CHECK_NEAR(zeros[1], -3000, 1);
}

TEST(tare_command_waits_out_missing_readings) {
  TareController tare;
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 0;
  tare.request(t);
  auto gappy = [](int n) { return CellLoads{n == 50 ? MISSING_KG : 1.0f, 1.0f, 1.0f, 1.0f}; };
  CHECK(run(tare, t, 200, gappy, zeros) == TareOutcome::MANUAL_TARED);
  CHECK(t >= 51 * PERIOD_MS + 1000);  // the window restarted after the missing reading
  CHECK_NEAR(zeros[1], 1000, 1);
}

TEST(tare_command_fails_if_the_pad_never_settles) {
  TareController tare;
  std::array<int32_t, NUM_CELLS> zeros{};
  uint32_t t = 0;
  auto person = [](int n) {
    float shift = 2.0f * std::sin(static_cast<float>(n) * 0.05f);
    return CellLoads{18.0f + shift, 18.0f - shift, 17.0f, 17.0f};
  };
  tare.request(t);
  CHECK(run(tare, t, 1000, person, zeros) == TareOutcome::MANUAL_FAILED);
  CHECK(t > 5000);
  CHECK(!tare.manual_pending());
  CHECK_EQ(zeros[0], 0);
}

TEST(stability_window_needs_complete_samples) {
  StabilityWindow window(2);
  window.restart(0);
  RawSample raw{};
  CellLoads kg{0.0f, 0.0f, 0.0f, 0.0f};
  CHECK(!window.add(raw, kg));  // no chip present
  CHECK_EQ(window.mean_counts()[0], 0);
  for (auto &r : raw) {
    r = RawReading{true, 10};
  }
  CHECK(window.add(raw, kg));
  CHECK_NEAR(window.max_range_kg(), 0.0, 1e-9);
  StabilityWindow zero_block(0);  // treated as blocks of one sample
  zero_block.restart(0);
  CHECK(zero_block.add(raw, kg));
  CHECK_EQ(zero_block.blocks(), 1u);
}
