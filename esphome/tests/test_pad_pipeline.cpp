#include "../components/balance_pad/pad_pipeline.h"
#include "test_runner.h"

using namespace esphome::balance_pad;

namespace {

constexpr float COUNTS_PER_KG = 2000.0f;

PadSettings settings() {
  PadSettings s;
  for (auto &cell : s.cells) {
    cell = CellCalibration{COUNTS_PER_KG, 50000};
  }
  return s;
}

RawSample raw_for(const CellLoads &kg, int32_t zero = 50000) {
  RawSample raw;
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    raw[i] = RawReading{true, zero + static_cast<int32_t>(kg[i] * COUNTS_PER_KG)};
  }
  return raw;
}

}  // namespace

TEST(person_on_the_pad_gives_full_rate_calibrated_frames) {
  PadPipeline pad(settings());
  uint32_t t = 0;
  for (int n = 0; n < 80; n++, t += 12) {
    pad.add_sample(t, raw_for(CellLoads{20.0f, 21.0f, 15.5f, 14.25f}));
  }
  std::vector<std::string> frames = pad.take_frames();
  CHECK_EQ(frames.size(), 8u);
  const std::string first = "{\"v\":1,\"seq\":0,\"t_ms\":0,\"rate_hz\":80,\"cells\":[[20.000,21.000,15.500,14.250],";
  CHECK_STR(frames[0].substr(0, first.size()), first);
  CHECK(pad.take_frames().empty());
  CHECK(!pad.idle());
  CHECK_NEAR(pad.last_kg()[3], 14.25, 1e-6);
}

TEST(drifted_empty_pad_goes_idle_and_is_auto_tared) {
  PadPipeline pad(settings());
  uint32_t t = 0;
  // Everything 0.8 kg heavy (overnight drift): empty, stable, within the ±2 kg band.
  for (int n = 0; n < 1000; n++, t += 12) {
    pad.add_sample(t, raw_for(CellLoads{0.8f, 0.8f, 0.8f, 0.8f}));
  }
  CHECK(pad.idle());
  std::vector<TareOutcome> events = pad.take_tare_events();
  CHECK_EQ(events.size(), 1u);
  CHECK(events[0] == TareOutcome::AUTO_TARED);
  CHECK_EQ(pad.calibration(0).zero_counts, 50000 + 1600);
  pad.add_sample(t, raw_for(CellLoads{0.8f, 0.8f, 0.8f, 0.8f}));
  CHECK_NEAR(pad.last_kg()[0], 0.0, 1e-6);
  // idle frames: a burst of full-rate frames for the first 3 s, then one a second
  std::vector<std::string> frames = pad.take_frames();
  std::size_t singles = 0;
  for (const auto &frame : frames) {
    singles += frame.find("],[") == std::string::npos ? 1 : 0;
  }
  CHECK(singles >= 9 && singles <= 10);
}

TEST(tare_command_and_its_failure_are_reported) {
  PadPipeline pad(settings());
  uint32_t t = 0;
  pad.request_tare(t);
  CHECK(pad.tare_pending());
  for (int n = 0; n < 100; n++, t += 12) {
    pad.add_sample(t, raw_for(CellLoads{5.0f, 5.0f, 5.0f, 5.0f}));
  }
  std::vector<TareOutcome> events = pad.take_tare_events();
  CHECK_EQ(events.size(), 1u);
  CHECK(events[0] == TareOutcome::MANUAL_TARED);
  CHECK_EQ(pad.calibration(2).zero_counts, 60000);
  pad.request_tare(t);
  for (int n = 0; n < 500; n++, t += 12) {
    const float sway = (n / 20) % 2 ? 3.0f : -3.0f;
    pad.add_sample(t, raw_for(CellLoads{20.0f + sway, 20.0f - sway, 20.0f, 20.0f}, 60000));
  }
  events = pad.take_tare_events();
  CHECK_EQ(events.size(), 1u);
  CHECK(events[0] == TareOutcome::MANUAL_FAILED);
  CHECK_EQ(pad.calibration(2).zero_counts, 60000);
}

TEST(spikes_and_saturation_become_null_in_frames) {
  PadPipeline pad(settings());
  uint32_t t = 0;
  for (int n = 0; n < 10; n++, t += 12) {
    RawSample raw = raw_for(CellLoads{20.0f, 20.0f, 20.0f, 20.0f});
    if (n == 3) {
      raw[1].counts = HX711_MAX_COUNTS;
    }
    if (n == 5) {
      raw[2].counts += static_cast<int32_t>(300 * COUNTS_PER_KG);
    }
    if (n == 7) {
      raw[0].present = false;
    }
    pad.add_sample(t, raw);
  }
  std::vector<std::string> frames = pad.take_frames();
  CHECK_EQ(frames.size(), 1u);
  CHECK(frames[0].find("[20.000,null,20.000,20.000]") != std::string::npos);
  CHECK(frames[0].find("[20.000,20.000,null,20.000]") != std::string::npos);
  CHECK(frames[0].find("[null,20.000,20.000,20.000]") != std::string::npos);
  CHECK_EQ(pad.rejected(1), 1u);
  CHECK_EQ(pad.rejected(2), 1u);
  CellAverages averages = pad.take_averages();
  CHECK_EQ(averages.samples[0], 9u);
  CHECK_NEAR(averages.kg[0], 20.0, 1e-6);
  CHECK_NEAR(averages.counts[0], 90000.0, 1e-6);
  CHECK_EQ(pad.take_averages().samples[0], 0u);
}

TEST(tick_reports_silence) {
  PadPipeline pad(settings());
  pad.tick(0);
  std::vector<std::string> frames = pad.take_frames();
  CHECK_EQ(frames.size(), 1u);
  CHECK(frames[0].find("[[null,null,null,null]]") != std::string::npos);
}
