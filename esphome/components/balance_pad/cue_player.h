#pragma once
// Buzzer and LED patterns for the cues (the table in docs/hardware.md is generated from the same
// numbers: keep them in step).

#include <cstddef>

#include "pad_types.h"
#include "wire_format.h"

namespace esphome::balance_pad {

struct CueStep {
  uint16_t duration_ms;
  uint16_t tone_hz;  ///< 0 = silent
  bool led;
};

struct CueOutput {
  uint16_t tone_hz{0};
  bool led{false};
};

/// The steps of a cue's pattern (count in `length`).
const CueStep *cue_pattern(Cue cue, std::size_t &length);

/// Plays one cue at a time; a new cue replaces the one playing. Between cues the LED rests on
/// after `start` (a test is running) and off after `stop`, `pass` and `fail`.
class CuePlayer {
 public:
  void play(Cue cue, uint32_t now_ms);
  CueOutput output(uint32_t now_ms) const;
  bool playing(uint32_t now_ms) const;

 protected:
  const CueStep *steps_{nullptr};
  std::size_t length_{0};
  uint32_t started_ms_{0};
  bool led_rest_{false};
};

}  // namespace esphome::balance_pad
