#include "cue_player.h"

namespace esphome::balance_pad {

namespace {

// Notes: C6 1047 Hz, E6 1319 Hz, G6 1568 Hz; 2 kHz sits near a piezo's loudest frequency.
constexpr CueStep START[] = {{150, 2000, true}};
constexpr CueStep STOP[] = {{100, 1000, false}, {100, 0, false}, {100, 1000, false}};
constexpr CueStep PASS[] = {{120, 1047, true}, {30, 0, false}, {120, 1319, true}, {30, 0, false},
                            {250, 1568, true}};
constexpr CueStep FAIL[] = {{300, 440, true}, {100, 0, false}, {500, 330, true}, {100, 0, false},
                            {100, 0, true}, {100, 0, false}, {100, 0, true}};
constexpr CueStep CLICK[] = {{30, 2500, true}};
constexpr CueStep TARE_OK[] = {{40, 2500, true}, {60, 0, false}, {40, 2500, true}};
constexpr CueStep TARE_FAILED[] = {{400, 330, true}};

template<std::size_t N> const CueStep *with_length(const CueStep (&steps)[N], std::size_t &length) {
  length = N;
  return steps;
}

}  // namespace

const CueStep *cue_pattern(Cue cue, std::size_t &length) {
  switch (cue) {
    case Cue::START:
      return with_length(START, length);
    case Cue::STOP:
      return with_length(STOP, length);
    case Cue::PASS:
      return with_length(PASS, length);
    case Cue::FAIL:
      return with_length(FAIL, length);
    case Cue::CLICK:
      return with_length(CLICK, length);
    case Cue::TARE_OK:
      return with_length(TARE_OK, length);
    case Cue::TARE_FAILED:
      break;
  }
  return with_length(TARE_FAILED, length);
}

void CuePlayer::play(Cue cue, uint32_t now_ms) {
  this->steps_ = cue_pattern(cue, this->length_);
  this->started_ms_ = now_ms;
  if (cue == Cue::START) {
    this->led_rest_ = true;
  } else if (cue == Cue::STOP || cue == Cue::PASS || cue == Cue::FAIL) {
    this->led_rest_ = false;
  }
}

CueOutput CuePlayer::output(uint32_t now_ms) const {
  CueOutput out;
  out.led = this->led_rest_;
  uint32_t offset = elapsed_ms(now_ms, this->started_ms_);
  for (std::size_t i = 0; i < this->length_; i++) {
    if (offset < this->steps_[i].duration_ms) {
      out.tone_hz = this->steps_[i].tone_hz;
      out.led = this->steps_[i].led;
      return out;
    }
    offset -= this->steps_[i].duration_ms;
  }
  return out;
}

bool CuePlayer::playing(uint32_t now_ms) const {
  uint32_t total = 0;
  for (std::size_t i = 0; i < this->length_; i++) {
    total += this->steps_[i].duration_ms;
  }
  return this->length_ > 0 && elapsed_ms(now_ms, this->started_ms_) < total;
}

}  // namespace esphome::balance_pad
