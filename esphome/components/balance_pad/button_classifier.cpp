#include "button_classifier.h"

namespace esphome::balance_pad {

ButtonPress ButtonClassifier::update(uint32_t now_ms, bool pressed) {
  if (pressed != this->raw_) {
    this->raw_ = pressed;
    this->raw_since_ms_ = now_ms;
  }
  if (this->raw_ != this->stable_ && elapsed_ms(now_ms, this->raw_since_ms_) >= this->config_.debounce_ms) {
    this->stable_ = this->raw_;
    if (this->stable_) {
      this->pressed_since_ms_ = this->raw_since_ms_;
      this->long_reported_ = false;
    } else if (!this->long_reported_) {
      return ButtonPress::SHORT;
    }
  }
  if (this->stable_ && !this->long_reported_ &&
      elapsed_ms(now_ms, this->pressed_since_ms_) >= this->config_.long_press_ms) {
    this->long_reported_ = true;
    return ButtonPress::LONG;
  }
  return ButtonPress::NONE;
}

}  // namespace esphome::balance_pad
