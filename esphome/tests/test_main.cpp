// Runs every registered test; prints "N passed, N failed" (the line CI reads) and fails on any.

#include "test_runner.h"

int main() {
  int passed = 0;
  int failed = 0;
  for (const auto &test : test_runner::registry()) {
    const int before = test_runner::failures();
    test.body();
    if (test_runner::failures() == before) {
      passed++;
    } else {
      failed++;
      std::fprintf(stderr, "FAILED %s\n", test.name);
    }
  }
  std::printf("firmware: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
