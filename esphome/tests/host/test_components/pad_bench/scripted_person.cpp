#include "scripted_person.h"

#include <algorithm>
#include <cmath>

namespace esphome::pad_bench {

static constexpr double TWO_PI = 6.283185307179586;
/// Standing on one leg puts the COP slightly in front of the ankle (as pad_simulator/body.py).
static constexpr float SINGLE_LEG_AP_CM = 1.0f;

float PersonScript::loop_s() const {
  return this->empty_s + this->step_on_s + this->stand_s + this->shift_s + this->hold_s + this->touch_down_s +
         this->stand_again_s + this->step_off_s;
}

/// 0 → 1 with zero slope at both ends (the load of stepping on or off).
static float smoothstep(double fraction) {
  const double x = std::clamp(fraction, 0.0, 1.0);
  return static_cast<float>(x * x * (3.0 - 2.0 * x));
}

/// 0 → 1 along half a cosine: a symmetric S-curve, the shape of a weight shift.
static float raised_cosine(double fraction) {
  return static_cast<float>(0.5 - 0.5 * std::cos(TWO_PI / 2.0 * std::clamp(fraction, 0.0, 1.0)));
}

/// Sway as a few incommensurate sines (cm): deterministic, so every run sees the same person.
/// On both feet the ranges are 1-1.5 cm, on one leg the ML speed is about 3 cm/s: the quiet-stance
/// ranges (1-2 cm) and single-leg ML speeds (2-6 cm/s) that docs/detection.md's rules assume.
static BodyLoad sway(double t, float single_leg_share) {
  const auto quiet_ml = 0.3 * std::sin(TWO_PI * 0.23 * t) + 0.15 * std::sin(TWO_PI * 0.71 * t + 1.0);
  const auto quiet_ap = 0.5 * std::sin(TWO_PI * 0.17 * t) + 0.2 * std::sin(TWO_PI * 0.53 * t + 2.0);
  const auto single_ml = 0.8 * std::sin(TWO_PI * 0.61 * t) + 0.4 * std::sin(TWO_PI * 1.37 * t + 0.5);
  const auto single_ap = 0.7 * std::sin(TWO_PI * 0.43 * t + 1.0) + 0.3 * std::sin(TWO_PI * 1.13 * t);
  const double share = single_leg_share;
  return BodyLoad{0.0f, static_cast<float>(quiet_ml + share * (single_ml - quiet_ml)),
                  static_cast<float>(quiet_ap + share * (single_ap - quiet_ap))};
}

BodyLoad body_at(const PersonScript &script, double time_s) {
  double t = std::fmod(time_s, static_cast<double>(script.loop_s()));
  const float mass = script.mass_kg * static_cast<float>(1.0 + 0.01 * std::sin(TWO_PI * 0.9 * time_s));
  const float stance_ml = script.stance_left ? -script.foot_offset_cm : script.foot_offset_cm;

  // Both feet down, weight `load` (kg), shifted `share` of the way onto the stance foot.
  auto standing = [&](float load, float share) {
    const BodyLoad s = sway(time_s, share);
    return BodyLoad{load, share * stance_ml + s.ml_cm, share * SINGLE_LEG_AP_CM + s.ap_cm};
  };

  if ((t -= script.empty_s) < 0) {
    return BodyLoad{0.0f, 0.0f, 0.0f};
  }
  if ((t -= script.step_on_s) < 0) {
    return standing(mass * smoothstep(1.0 + t / script.step_on_s), 0.0f);
  }
  if ((t -= script.stand_s) < 0) {
    return standing(mass, 0.0f);
  }
  if ((t -= script.shift_s) < 0) {
    return standing(mass, raised_cosine(1.0 + t / script.shift_s));
  }
  if ((t -= script.hold_s) < 0) {
    return standing(mass, 1.0f);
  }
  if ((t -= script.touch_down_s) < 0) {
    return standing(mass, 1.0f - raised_cosine(1.0 + t / script.touch_down_s));
  }
  if ((t -= script.stand_again_s) < 0) {
    return standing(mass, 0.0f);
  }
  return standing(mass * (1.0f - smoothstep(1.0 + t / script.step_off_s)), 0.0f);
}

std::array<float, 4> corner_loads_kg(const BodyLoad &body, float width_mm, float depth_mm) {
  // ML = (W/2)·((tr+br)−(tl+bl))/S and AP = (D/2)·((tl+tr)−(bl+br))/S (docs/hardware.md), solved
  // by the bilinear split tl = S/4·(1−u)(1+v), … with u = ML/(W/2), v = AP/(D/2).
  const float u = std::clamp(body.ml_cm / (width_mm / 20.0f), -1.0f, 1.0f);
  const float v = std::clamp(body.ap_cm / (depth_mm / 20.0f), -1.0f, 1.0f);
  const float quarter = body.total_kg / 4.0f;
  return {quarter * (1 - u) * (1 + v), quarter * (1 + u) * (1 + v), quarter * (1 - u) * (1 - v),
          quarter * (1 + u) * (1 - v)};
}

}  // namespace esphome::pad_bench
