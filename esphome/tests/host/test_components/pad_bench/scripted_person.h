#pragma once
// The person on the host build's bench (test-only): steps on, stands, lifts one foot for a known
// time, puts it down, steps off, and starts again. Plain C++: loads from a time, nothing else.
// The script's numbers come from esphome/tests/host/bench.yaml.

#include <array>

namespace esphome::pad_bench {

struct PersonScript {
  float mass_kg{};
  /// Stands on the left leg (lifts the right foot) when true.
  bool stance_left{};
  /// The stance foot's centre from the pad's centre, sideways (cm); half the stance width.
  float foot_offset_cm{};
  // The phases of one loop, in order (s).
  float empty_s{};
  float step_on_s{};
  float stand_s{};
  /// The weight shift onto the stance foot; the foot leaves the floor at its end.
  float shift_s{};
  /// From the foot leaving the floor to it touching down again: the single-leg time.
  float hold_s{};
  float touch_down_s{};
  float stand_again_s{};
  float step_off_s{};

  float loop_s() const;
};

/// Total load and centre of pressure (cm from the pad's centre; ML + = right, AP + = toes).
struct BodyLoad {
  float total_kg;
  float ml_cm;
  float ap_cm;
};

/// Where the person is `time_s` after the script started (it loops).
BodyLoad body_at(const PersonScript &script, double time_s);

/// The four corner loads (tl, tr, bl, br) whose centre of pressure is the body's, on a pad whose
/// cell centres are `width_mm` by `depth_mm` apart (the inverse of the pad's COP formula).
std::array<float, 4> corner_loads_kg(const BodyLoad &body, float width_mm, float depth_mm);

}  // namespace esphome::pad_bench
