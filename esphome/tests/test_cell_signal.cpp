#include "../components/balance_pad/cell_signal.h"
#include "test_runner.h"

using namespace esphome::balance_pad;

static RawReading raw(int32_t counts) { return RawReading{true, counts}; }

TEST(sign_extension_of_24_bit_counts) {
  CHECK_EQ(sign_extend_24(0x000001), 1);
  CHECK_EQ(sign_extend_24(0x7FFFFF), HX711_MAX_COUNTS);
  CHECK_EQ(sign_extend_24(0x800000), HX711_MIN_COUNTS);
  CHECK_EQ(sign_extend_24(0xFFFFFF), -1);
  CHECK_EQ(sign_extend_24(0xAB000001), 1);
}

TEST(calibration_converts_counts_to_kg) {
  CellCalibration calibration{-2000.0f, 1000};
  CHECK_NEAR(calibration.to_kg(1000), 0.0, 1e-9);
  CHECK_NEAR(calibration.to_kg(-19000), 10.0, 1e-6);
}

TEST(saturated_and_absent_readings_are_missing) {
  SpikeFilter filter;
  CellCalibration calibration{1000.0f, 0};
  CHECK(is_missing(filter.filter(RawReading{false, 5}, calibration)));
  CHECK(is_missing(filter.filter(raw(HX711_MAX_COUNTS), calibration)));
  CHECK(is_missing(filter.filter(raw(HX711_MIN_COUNTS), calibration)));
  CHECK_EQ(filter.rejected(), 2u);
  CHECK_NEAR(filter.filter(raw(5000), calibration), 5.0, 1e-6);
}

TEST(implausible_load_is_missing) {
  SpikeFilter filter(SpikeConfig{200.0f, 25.0f});
  CellCalibration calibration{100.0f, 0};
  CHECK(is_missing(filter.filter(raw(20001), calibration)));
  CHECK(is_missing(filter.filter(raw(-20001), calibration)));
  CHECK_NEAR(filter.filter(raw(19999), calibration), 199.99, 1e-3);
}

TEST(single_sample_spike_is_rejected) {
  SpikeFilter filter;
  CellCalibration calibration{1000.0f, 0};
  CHECK_NEAR(filter.filter(raw(20000), calibration), 20.0, 1e-6);
  CHECK(is_missing(filter.filter(raw(120000), calibration)));  // +100 kg for one sample
  CHECK_NEAR(filter.filter(raw(20100), calibration), 20.1, 1e-6);
  CHECK_EQ(filter.rejected(), 1u);
}

TEST(confirmed_step_is_accepted_after_one_sample) {
  SpikeFilter filter;
  CellCalibration calibration{1000.0f, 0};
  CHECK_NEAR(filter.filter(raw(0), calibration), 0.0, 1e-6);
  CHECK(is_missing(filter.filter(raw(40000), calibration)));
  CHECK_NEAR(filter.filter(raw(41000), calibration), 41.0, 1e-6);
  CHECK_NEAR(filter.filter(raw(42000), calibration), 42.0, 1e-6);
  filter.reset();
  CHECK_NEAR(filter.filter(raw(0), calibration), 0.0, 1e-6);
}
