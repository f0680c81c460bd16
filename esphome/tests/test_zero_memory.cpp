#include "../components/balance_pad/zero_memory.h"
#include "test_runner.h"

using namespace esphome::balance_pad;

namespace {

std::array<CellCalibration, NUM_CELLS> cells(float gain, int32_t zero) {
  std::array<CellCalibration, NUM_CELLS> result;
  result.fill(CellCalibration{gain, zero});
  return result;
}

}  // namespace

TEST(fingerprint_changes_with_any_calibration_value) {
  const uint32_t base = calibration_fingerprint(cells(20000.0f, 100));
  CHECK_EQ(calibration_fingerprint(cells(20000.0f, 100)), base);
  CHECK(calibration_fingerprint(cells(20000.5f, 100)) != base);
  CHECK(calibration_fingerprint(cells(20000.0f, 101)) != base);
  auto one_cell = cells(20000.0f, 100);
  one_cell[3].counts_per_kg = -20000.0f;
  CHECK(calibration_fingerprint(one_cell) != base);
}

TEST(only_real_drift_is_worth_a_flash_write) {
  const std::array<int32_t, NUM_CELLS> stored = {1000, 1000, 1000, 1000};
  auto current = cells(-10000.0f, 1000);
  CHECK(!zeros_moved(stored, current, 0.2f));
  current[2].zero_counts = 1000 + 1999;  // 0.1999 kg
  CHECK(!zeros_moved(stored, current, 0.2f));
  current[2].zero_counts = 1000 - 2001;  // 0.2001 kg the other way, negative gain
  CHECK(zeros_moved(stored, current, 0.2f));
}
