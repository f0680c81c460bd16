#include "../components/balance_pad/button_classifier.h"
#include "../components/balance_pad/cue_player.h"
#include "test_runner.h"

using namespace esphome::balance_pad;

static ButtonPress hold(ButtonClassifier &button, uint32_t from_ms, uint32_t to_ms, bool pressed) {
  ButtonPress result = ButtonPress::NONE;
  for (uint32_t t = from_ms; t < to_ms; t += 5) {
    ButtonPress press = button.update(t, pressed);
    if (press != ButtonPress::NONE) {
      result = press;
    }
  }
  return result;
}

TEST(short_press_on_release) {
  ButtonClassifier button;
  CHECK(hold(button, 0, 300, true) == ButtonPress::NONE);
  CHECK(hold(button, 300, 400, false) == ButtonPress::SHORT);
}

TEST(long_press_while_held_and_silent_release) {
  ButtonClassifier button;
  CHECK(hold(button, 0, 995, true) == ButtonPress::NONE);
  CHECK(hold(button, 995, 1010, true) == ButtonPress::LONG);
  CHECK(hold(button, 1010, 3000, true) == ButtonPress::NONE);
  CHECK(hold(button, 3000, 3100, false) == ButtonPress::NONE);
}

TEST(bounces_are_ignored) {
  ButtonClassifier button;
  for (uint32_t t = 0; t < 100; t += 5) {
    CHECK(button.update(t, (t / 5) % 2 == 0) == ButtonPress::NONE);  // chatter shorter than 30 ms
  }
  CHECK(hold(button, 100, 400, false) == ButtonPress::NONE);
}

TEST(cue_patterns_play_in_order) {
  CuePlayer player;
  CHECK(!player.playing(0));
  CHECK_EQ(player.output(0).tone_hz, 0);
  player.play(Cue::PASS, 1000);
  CHECK(player.playing(1000));
  CHECK_EQ(player.output(1000).tone_hz, 1047);
  CHECK_EQ(player.output(1130).tone_hz, 0);
  CHECK_EQ(player.output(1150).tone_hz, 1319);
  CHECK_EQ(player.output(1300).tone_hz, 1568);
  CHECK(player.output(1300).led);
  CHECK(!player.playing(1550));
  CHECK_EQ(player.output(1550).tone_hz, 0);
  CHECK(!player.output(1550).led);
}

TEST(led_rests_on_during_a_test) {
  CuePlayer player;
  player.play(Cue::START, 0);
  CHECK_EQ(player.output(10).tone_hz, 2000);
  CHECK(player.output(5000).led);
  player.play(Cue::CLICK, 6000);  // local feedback leaves the resting state alone
  CHECK(player.output(7000).led);
  player.play(Cue::FAIL, 8000);
  CHECK_EQ(player.output(8000).tone_hz, 440);
  CHECK_EQ(player.output(8450).tone_hz, 330);
  CHECK(!player.output(10000).led);
  player.play(Cue::START, 11000);
  player.play(Cue::STOP, 12000);
  CHECK_EQ(player.output(12000).tone_hz, 1000);
  CHECK_EQ(player.output(12150).tone_hz, 0);
  CHECK(!player.output(13000).led);
}

TEST(every_cue_has_a_pattern_under_two_seconds) {
  const Cue cues[] = {Cue::START, Cue::STOP, Cue::PASS, Cue::FAIL, Cue::CLICK, Cue::TARE_OK, Cue::TARE_FAILED};
  for (Cue cue : cues) {
    std::size_t length = 0;
    const CueStep *steps = cue_pattern(cue, length);
    CHECK(length > 0);
    uint32_t total = 0;
    bool sounds = false;
    for (std::size_t i = 0; i < length; i++) {
      total += steps[i].duration_ms;
      sounds = sounds || steps[i].tone_hz > 0;
    }
    CHECK(total > 0 && total < 2000);
    CHECK(sounds);
  }
  CuePlayer player;
  player.play(Cue::TARE_FAILED, 0);
  CHECK_EQ(player.output(100).tone_hz, 330);
  player.play(Cue::TARE_OK, 0);
  CHECK_EQ(player.output(70).tone_hz, 0);
}
