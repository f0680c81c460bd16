#pragma once
// Push button: debounce and short/long press classification.

#include "pad_types.h"
#include "wire_format.h"

namespace esphome::balance_pad {

struct ButtonConfig {
  uint32_t debounce_ms{30};
  uint32_t long_press_ms{1000};
};

/// A long press is reported as soon as the button has been held long_press_ms (the person gets
/// feedback without letting go); its release then reports nothing. A shorter press is reported
/// as short on release.
class ButtonClassifier {
 public:
  explicit ButtonClassifier(const ButtonConfig &config = ButtonConfig{}) : config_(config) {}

  ButtonPress update(uint32_t now_ms, bool pressed);

 protected:
  ButtonConfig config_;
  bool raw_{false};
  uint32_t raw_since_ms_{0};
  bool stable_{false};
  uint32_t pressed_since_ms_{0};
  bool long_reported_{false};
};

}  // namespace esphome::balance_pad
