#pragma once
// A tiny assert-based test runner: TEST(name) registers a function, CHECK* record failures.

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace test_runner {

struct TestCase {
  const char *name;
  std::function<void()> body;
};

inline std::vector<TestCase> &registry() {
  static std::vector<TestCase> tests;
  return tests;
}

inline int &failures() {
  static int count = 0;
  return count;
}

struct Registrar {
  Registrar(const char *name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

inline void fail(const char *file, int line, const std::string &what) {
  failures()++;
  std::fprintf(stderr, "  %s:%d: %s\n", file, line, what.c_str());
}

}  // namespace test_runner

#define TR_CONCAT2(a, b) a##b
#define TR_CONCAT(a, b) TR_CONCAT2(a, b)

#define TEST(name)                                                                  \
  static void name();                                                               \
  static test_runner::Registrar TR_CONCAT(registrar_, name)(#name, name);          \
  static void name()

#define CHECK(condition)                                                            \
  do {                                                                              \
    if (!(condition)) test_runner::fail(__FILE__, __LINE__, "CHECK(" #condition ")"); \
  } while (0)

#define CHECK_EQ(actual, expected)                                                  \
  do {                                                                              \
    const auto tr_a = (actual);                                                     \
    const auto tr_e = (expected);                                                   \
    if (!(tr_a == tr_e))                                                            \
      test_runner::fail(__FILE__, __LINE__, "CHECK_EQ(" #actual ", " #expected ")"); \
  } while (0)

#define CHECK_STR(actual, expected)                                                 \
  do {                                                                              \
    const std::string tr_a = (actual);                                              \
    const std::string tr_e = (expected);                                            \
    if (tr_a != tr_e)                                                               \
      test_runner::fail(__FILE__, __LINE__, "got '" + tr_a + "', want '" + tr_e + "'"); \
  } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                     \
  do {                                                                              \
    const double tr_a = (actual);                                                   \
    const double tr_e = (expected);                                                 \
    if (!(std::fabs(tr_a - tr_e) <= (tolerance)))                                   \
      test_runner::fail(__FILE__, __LINE__,                                         \
                        "CHECK_NEAR(" #actual "): got " + std::to_string(tr_a) +    \
                            ", want " + std::to_string(tr_e));                      \
  } while (0)
