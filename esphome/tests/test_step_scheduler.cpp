#include "../components/balance_pad/step_scheduler.h"
#include "test_runner.h"

using namespace esphome::balance_pad;

using Ready = std::array<bool, NUM_CELLS>;

TEST(reads_when_all_four_are_ready) {
  StepScheduler scheduler(80.0f);
  CHECK(!scheduler.poll(0, Ready{false, false, false, false}).read);
  CHECK(!scheduler.poll(3, Ready{true, true, false, true}).read);
  ReadDecision decision = scheduler.poll(5, Ready{true, true, true, true});
  CHECK(decision.read);
  CHECK((decision.take == Ready{true, true, true, true}));
}

TEST(late_chip_becomes_null_after_one_and_a_half_periods) {
  StepScheduler scheduler(80.0f);
  CHECK(scheduler.poll(0, Ready{true, true, true, true}).read);
  CHECK(!scheduler.poll(18, Ready{true, false, true, true}).read);
  ReadDecision decision = scheduler.poll(19, Ready{true, false, true, true});
  CHECK(decision.read);
  CHECK((decision.take == Ready{true, false, true, true}));
}

TEST(dead_chip_stops_being_waited_for_and_comes_back) {
  StepScheduler scheduler(80.0f, 3);
  uint32_t t = 0;
  CHECK(scheduler.poll(t, Ready{true, true, true, true}).read);
  for (int n = 0; n < 3; n++) {
    t += 19;
    CHECK(scheduler.poll(t, Ready{true, true, true, false}).read);
  }
  CHECK(scheduler.absent(3));
  t += 1;  // no waiting any more
  CHECK(scheduler.poll(t, Ready{true, true, true, false}).read);
  t += 12;
  ReadDecision back = scheduler.poll(t, Ready{true, true, true, true});
  CHECK(back.read);
  CHECK(back.take[3]);
  CHECK(!scheduler.absent(3));
}

TEST(zero_absent_after_means_one) {
  StepScheduler scheduler(10.0f, 0);
  CHECK(!scheduler.poll(0, Ready{true, true, true, false}).read);
  CHECK(scheduler.poll(150, Ready{true, true, true, false}).read);
  CHECK(scheduler.absent(3));
}
