#include "../components/balance_pad/frame_batcher.h"
#include "test_runner.h"

using namespace esphome::balance_pad;

namespace {

CellLoads total(float kg) { return CellLoads{kg / 4, kg / 4, kg / 4, kg / 4}; }

std::string head(const std::string &frame) { return frame.substr(0, frame.find(",\"cells\"")); }

std::size_t sample_count(const std::string &frame) {
  std::size_t count = 0;
  for (std::size_t pos = frame.find("[["); pos != std::string::npos; pos = frame.find(",[", pos + 1)) {
    count++;
  }
  return count;
}

}  // namespace

TEST(idle_after_three_seconds_below_ten_kg) {
  IdleTracker idle;
  CHECK(!idle.update(0, total(9.9f)));
  CHECK(!idle.update(2999, total(9.9f)));
  CHECK(idle.update(3000, total(0.0f)));
  CHECK(!idle.update(3012, total(10.0f)));  // the first sample at 10 kg leaves idle
  CHECK(!idle.update(3024, total(5.0f)));
  CHECK(!idle.update(6023, total(5.0f)));
  CHECK(idle.update(6024, total(5.0f)));
}

TEST(idle_ignores_incomplete_light_samples) {
  IdleTracker idle;
  CHECK(!idle.update(0, CellLoads{1.0f, MISSING_KG, 1.0f, 1.0f}));
  CHECK(!idle.update(5000, CellLoads{1.0f, MISSING_KG, 1.0f, 1.0f}));  // timer never started
  CHECK(!idle.update(5001, total(1.0f)));
  CHECK(idle.update(8001, total(1.0f)));
  CHECK(!idle.update(8013, CellLoads{30.0f, MISSING_KG, 10.0f, 10.0f}));  // heavy even with a gap
  CHECK(idle.idle() == false);
}

TEST(full_rate_frames_of_ten_samples) {
  FrameBatcher batcher;
  std::vector<std::string> out;
  for (int n = 0; n < 25; n++) {
    batcher.add_sample(1000 + static_cast<uint32_t>(n * 12.5), total(70.0f), false, out);
  }
  CHECK_EQ(out.size(), 2u);
  CHECK_STR(head(out[0]), "{\"v\":1,\"seq\":0,\"t_ms\":1000,\"rate_hz\":80");
  CHECK_STR(head(out[1]), "{\"v\":1,\"seq\":1,\"t_ms\":1125,\"rate_hz\":80");
  CHECK_EQ(sample_count(out[0]), 10u);
  CHECK_EQ(batcher.next_seq(), 2u);
}

TEST(a_gap_closes_the_frame_early) {
  FrameBatcher batcher;
  std::vector<std::string> out;
  batcher.add_sample(0, total(70.0f), false, out);
  batcher.add_sample(13, total(70.0f), false, out);
  batcher.add_sample(32, total(70.0f), false, out);  // 19 ms > 1.5 periods
  CHECK_EQ(out.size(), 1u);
  CHECK_EQ(sample_count(out[0]), 2u);
  for (uint32_t t = 44; t < 200; t += 12) {
    batcher.add_sample(t, total(70.0f), false, out);
  }
  CHECK_STR(head(out[1]), "{\"v\":1,\"seq\":1,\"t_ms\":32,\"rate_hz\":80");
}

TEST(idle_sends_one_single_sample_frame_per_second) {
  FrameBatcher batcher;
  std::vector<std::string> out;
  batcher.add_sample(0, total(70.0f), false, out);
  batcher.add_sample(12, total(70.0f), false, out);
  // becoming idle flushes the partial frame and sends the first idle frame at once
  batcher.add_sample(25, total(2.0f), true, out);
  CHECK_EQ(out.size(), 2u);
  CHECK_EQ(sample_count(out[0]), 2u);
  CHECK_STR(out[1], "{\"v\":1,\"seq\":1,\"t_ms\":25,\"rate_hz\":80,\"cells\":[[0.500,0.500,0.500,0.500]]}");
  uint32_t t = 25;
  for (int n = 0; n < 240; n++) {  // 3 s more of idle samples
    t += 12;
    batcher.add_sample(t, total(static_cast<float>(n % 4)), true, out);
  }
  CHECK_EQ(out.size(), 4u);
  CHECK_STR(head(out[2]), "{\"v\":1,\"seq\":2,\"t_ms\":1033,\"rate_hz\":80");
  CHECK_STR(head(out[3]), "{\"v\":1,\"seq\":3,\"t_ms\":2041,\"rate_hz\":80");
  CHECK_EQ(sample_count(out[3]), 1u);
  // leaving idle: full-rate frames, seq keeps counting
  for (int n = 0; n < 10; n++) {
    t += 12;
    batcher.add_sample(t, total(60.0f), false, out);
  }
  CHECK_EQ(out.size(), 5u);
  CHECK_EQ(sample_count(out[4]), 10u);
  CHECK(out[4].find("\"seq\":4,") != std::string::npos);
}

TEST(silent_amplifiers_still_give_a_frame_per_second) {
  FrameBatcher batcher;
  std::vector<std::string> out;
  batcher.tick(0, out);
  CHECK_EQ(out.size(), 1u);
  CHECK_STR(out[0], "{\"v\":1,\"seq\":0,\"t_ms\":0,\"rate_hz\":80,\"cells\":[[null,null,null,null]]}");
  batcher.tick(999, out);
  CHECK_EQ(out.size(), 1u);
  batcher.tick(1000, out);
  CHECK_EQ(out.size(), 2u);
  batcher.add_sample(1500, total(70.0f), false, out);
  batcher.tick(2200, out);  // a sample 700 ms ago: not silent
  CHECK_EQ(out.size(), 2u);
  batcher.tick(2500, out);  // silent again: the partial frame goes out, then a null frame
  CHECK_EQ(out.size(), 4u);
  CHECK_EQ(sample_count(out[2]), 1u);
  CHECK(out[3].find("null") != std::string::npos);
}

TEST(seq_wraps_and_frame_size_is_clamped) {
  FrameConfig config;
  config.samples_per_frame = 0;
  FrameBatcher one(config);
  one.set_next_seq(4294967295u);
  std::vector<std::string> out;
  one.add_sample(0, total(70.0f), false, out);
  one.add_sample(12, total(70.0f), false, out);
  CHECK_EQ(out.size(), 2u);
  CHECK(out[0].find("\"seq\":4294967295,") != std::string::npos);
  CHECK(out[1].find("\"seq\":0,") != std::string::npos);
  config.samples_per_frame = 200;
  FrameBatcher fifty(config);
  out.clear();
  for (uint32_t n = 0; n < 60; n++) {
    fifty.add_sample(n * 12, total(70.0f), false, out);
  }
  CHECK_EQ(out.size(), 1u);
  CHECK_EQ(sample_count(out[0]), 50u);
}
