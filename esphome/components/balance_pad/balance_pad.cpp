#include "balance_pad.h"

#include "esphome/components/mqtt/mqtt_client.h"
#include "esphome/core/log.h"

namespace esphome::balance_pad {

static const char *const TAG = "balance_pad";
/// Zero drift worth a flash write: a few writes a day with cheap cells (up to ~1 kg overnight).
static constexpr float ZERO_STORE_THRESHOLD_KG = 0.2f;

void BalancePad::set_topics(const std::string &prefix, const std::string &pad_id) {
  const std::string base = prefix + "/" + pad_id + "/";
  this->frames_topic_ = base + "frames";
  this->info_topic_ = base + "info";
  this->button_topic_ = base + "button";
  this->cmd_topic_ = base + "cmd";
}

void BalancePad::set_info(const std::string &model, const std::string &fw, float rate_hz, float width_mm,
                          float depth_mm) {
  this->info_.model = model;
  this->info_.fw = fw;
  this->info_.rate_hz = rate_hz;
  this->info_.width_mm = width_mm;
  this->info_.depth_mm = depth_mm;
  this->settings_.frame.rate_hz = rate_hz;
}

void BalancePad::set_auto_tare(float zero_band_kg, float max_range_kg, uint32_t window_ms) {
  this->settings_.tare.zero_band_kg = zero_band_kg;
  this->settings_.tare.auto_max_range_kg = max_range_kg;
  this->settings_.tare.auto_window_ms = window_ms;
}

void BalancePad::set_spikes(float max_load_kg, float max_step_kg) {
  this->settings_.spike.max_abs_kg = max_load_kg;
  this->settings_.spike.max_step_kg = max_step_kg;
}

void BalancePad::set_idle(float threshold_kg, uint32_t delay_ms) {
  this->settings_.idle.threshold_kg = threshold_kg;
  this->settings_.idle.enter_after_ms = delay_ms;
}

void BalancePad::setup() {
  for (auto *pin : this->clock_pins_) {
    pin->setup();
    pin->digital_write(false);
  }
  for (auto *pin : this->data_pins_) {
    pin->setup();
  }
  if (this->button_pin_ != nullptr) {
    this->button_pin_->setup();
  }
  this->restore_zeros_();
  // Created here, once, so that every setting from YAML is in place.
  this->pipeline_ = new PadPipeline(this->settings_);  // NOLINT(cppcoreguidelines-owning-memory)
  this->scheduler_ = new StepScheduler(this->settings_.frame.rate_hz);  // NOLINT
  this->button_ = new ButtonClassifier(this->button_config_);           // NOLINT

  mqtt::global_mqtt_client->subscribe(
      this->cmd_topic_, [this](const std::string &, const std::string &payload) { this->handle_command_(payload); },
      1);
  // HX711 conversions arrive every 12.5 ms: the default 16 ms loop would miss them.
  this->high_frequency_.start();
  const uint32_t now = millis();
  this->last_calibration_log_ = now;
  this->last_stats_ = now;
}

void BalancePad::dump_config() {
  ESP_LOGCONFIG(TAG, "Balance pad:");
  ESP_LOGCONFIG(TAG, "  Topics: %s (frames), %s (cmd)", this->frames_topic_.c_str(), this->cmd_topic_.c_str());
  ESP_LOGCONFIG(TAG, "  Model: %s, firmware %s, %.0f SPS, %u samples per frame", this->info_.model.c_str(),
                this->info_.fw.c_str(), this->info_.rate_hz, this->settings_.frame.samples_per_frame);
  ESP_LOGCONFIG(TAG, "  Cell spacing: %.1f x %.1f mm", this->info_.width_mm, this->info_.depth_mm);
  ESP_LOGCONFIG(TAG, "  Clock: %s", this->clock_pins_.size() == 1 ? "shared by the four HX711" : "one per HX711");
  for (auto *pin : this->clock_pins_) {
    LOG_PIN("  Clock pin: ", pin);
  }
  static const char *const NAMES[NUM_CELLS] = {"tl", "tr", "bl", "br"};
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    ESP_LOGCONFIG(TAG, "  Cell %s: %.2f counts/kg, zero %" PRId32, NAMES[i], this->settings_.cells[i].counts_per_kg,
                  this->settings_.cells[i].zero_counts);
    LOG_PIN("    Data pin: ", this->data_pins_[i]);
  }
  LOG_PIN("  Button pin: ", this->button_pin_);
}

void BalancePad::read_chips_(const std::array<bool, NUM_CELLS> &take, RawSample &raw) {
  // With a shared clock every chip is clocked; with four clocks only the ready ones.
  const bool shared = this->clock_pins_.size() == 1;
  std::array<uint32_t, NUM_CELLS> bits{};
  auto clock = [&](bool level) {
    for (std::size_t c = 0; c < this->clock_pins_.size(); c++) {
      if (shared || take[c]) {
        this->clock_pins_[c]->digital_write(level);
      }
    }
  };
  for (uint8_t bit = 0; bit < 24; bit++) {
    {
      // One pulse at a time with interrupts off: the clock must never stay high for 60 µs, or
      // the chips power down, but Wi-Fi must not wait for all 25 pulses either.
      InterruptLock lock;
      clock(true);
      delayMicroseconds(1);
      for (std::size_t i = 0; i < NUM_CELLS; i++) {
        bits[i] = (bits[i] << 1) | (this->data_pins_[i]->digital_read() ? 1u : 0u);
      }
      clock(false);
    }
    delayMicroseconds(1);
  }
  {
    // 25th pulse: channel A, gain 128 for the next conversion.
    InterruptLock lock;
    clock(true);
    delayMicroseconds(1);
    clock(false);
  }
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    raw[i] = RawReading{take[i], sign_extend_24(bits[i])};
  }
}

void BalancePad::loop() {
  const uint32_t now = millis();
  std::array<bool, NUM_CELLS> ready{};
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    ready[i] = !this->data_pins_[i]->digital_read();  // DOUT low = conversion ready
  }
  const ReadDecision decision = this->scheduler_->poll(now, ready);
  if (decision.read) {
    RawSample raw;
    this->read_chips_(decision.take, raw);
    this->pipeline_->add_sample(now, raw);
    this->samples_since_stats_++;
  }
  this->pipeline_->tick(now);

  const bool connected = mqtt::global_mqtt_client->is_connected();
  if (connected && !this->was_connected_) {
    this->info_pending_ = true;  // on every (re)connection: repairs a cleared or stale retained info
  }
  this->was_connected_ = connected;
  if (connected && this->info_pending_ && now - this->last_info_attempt_ >= 1000) {
    this->last_info_attempt_ = now;
    this->info_pending_ = !mqtt::global_mqtt_client->publish(this->info_topic_, encode_info(this->info_), 1, true);
  }
  for (const std::string &frame : this->pipeline_->take_frames()) {
    if (connected && mqtt::global_mqtt_client->publish(this->frames_topic_, frame, 0, false)) {
      this->frames_sent_++;
    } else {
      this->frames_failed_++;
    }
  }
  for (TareOutcome outcome : this->pipeline_->take_tare_events()) {
    if (outcome != TareOutcome::MANUAL_FAILED) {
      this->store_zeros_();
    }
    if (outcome == TareOutcome::AUTO_TARED) {
      ESP_LOGD(TAG, "Auto tare");
    } else if (outcome == TareOutcome::MANUAL_TARED) {
      ESP_LOGI(TAG, "Tared on command");
      this->play_cue(Cue::TARE_OK);
    } else {
      ESP_LOGW(TAG, "Tare command failed: the pad did not keep still for a second within 5 s");
      this->play_cue(Cue::TARE_FAILED);
    }
  }
  this->handle_button_(now);
  this->update_outputs_(now);
  this->log_periodic_(now);
}

void BalancePad::publish_(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) {
  if (!mqtt::global_mqtt_client->publish(topic, payload, qos, retain)) {
    ESP_LOGW(TAG, "Publishing to %s failed", topic.c_str());
  }
}

void BalancePad::restore_zeros_() {
  // The fingerprint ties stored zeros to the calibration in YAML: re-calibrating starts afresh.
  this->stored_zeros_.fingerprint = calibration_fingerprint(this->settings_.cells);
  this->zeros_pref_ = global_preferences->make_preference<SavedZeros>(fnv1_hash("balance_pad_zeros"), true);
  SavedZeros saved;
  if (this->zeros_pref_.load(&saved) && saved.fingerprint == this->stored_zeros_.fingerprint) {
    for (std::size_t i = 0; i < NUM_CELLS; i++) {
      this->settings_.cells[i].zero_counts = saved.zero_counts[i];
    }
    ESP_LOGI(TAG, "Zeros of the last tare restored from flash");
  }
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    this->stored_zeros_.zero_counts[i] = this->settings_.cells[i].zero_counts;
  }
}

void BalancePad::store_zeros_() {
  std::array<CellCalibration, NUM_CELLS> current;
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    current[i] = this->pipeline_->calibration(i);
  }
  if (!zeros_moved(this->stored_zeros_.zero_counts, current, ZERO_STORE_THRESHOLD_KG)) {
    return;
  }
  for (std::size_t i = 0; i < NUM_CELLS; i++) {
    this->stored_zeros_.zero_counts[i] = current[i].zero_counts;
  }
  this->zeros_pref_.save(&this->stored_zeros_);
  ESP_LOGI(TAG, "New zeros stored (moved by more than %.1f kg)", ZERO_STORE_THRESHOLD_KG);
}

void BalancePad::tare() {
  ESP_LOGI(TAG, "Tare requested");
  this->pipeline_->request_tare(millis());
}

void BalancePad::play_cue(Cue cue) { this->cues_.play(cue, millis()); }

void BalancePad::handle_command_(const std::string &payload) {
  const Command command = parse_command(payload);
  switch (command.kind) {
    case CommandKind::TARE:
      this->tare();
      break;
    case CommandKind::CUE:
      this->play_cue(command.cue);
      break;
    case CommandKind::INVALID:
      ESP_LOGW(TAG, "Ignoring command: %s", command.error.c_str());
      break;
  }
}

void BalancePad::handle_button_(uint32_t now) {
  if (this->button_pin_ == nullptr) {
    return;
  }
  const ButtonPress press = this->button_->update(now, this->button_pin_->digital_read());
  if (press == ButtonPress::NONE) {
    return;
  }
  ESP_LOGI(TAG, "Button: %s press", press == ButtonPress::LONG ? "long" : "short");
  this->play_cue(Cue::CLICK);
  this->publish_(this->button_topic_, encode_button(press), 0, false);
}

void BalancePad::update_outputs_(uint32_t now) {
  const CueOutput wanted = this->cues_.output(now);
  if (this->outputs_applied_ && wanted.tone_hz == this->applied_.tone_hz && wanted.led == this->applied_.led) {
    return;
  }
  if (this->buzzer_ != nullptr) {
    if (wanted.tone_hz > 0) {
      this->buzzer_->update_frequency(wanted.tone_hz);
      this->buzzer_->set_level(0.5f);
    } else {
      this->buzzer_->set_level(0.0f);
    }
  }
  if (this->beeper_ != nullptr) {
    this->beeper_->set_state(wanted.tone_hz > 0);
  }
  if (this->led_ != nullptr) {
    this->led_->set_state(wanted.led);
  }
  this->applied_ = wanted;
  this->outputs_applied_ = true;
}

void BalancePad::log_periodic_(uint32_t now) {
  static const char *const NAMES[NUM_CELLS] = {"tl", "tr", "bl", "br"};
  if (this->calibration_log_ms_ > 0 && now - this->last_calibration_log_ >= this->calibration_log_ms_) {
    this->last_calibration_log_ = now;
    const CellAverages averages = this->pipeline_->take_averages();
    for (std::size_t i = 0; i < NUM_CELLS; i++) {
      ESP_LOGI(TAG, "Calibration %s: mean %.1f counts, %.3f kg over %" PRIu32 " samples", NAMES[i],
               averages.counts[i], averages.kg[i], averages.samples[i]);
    }
  }
  if (this->stats_ms_ > 0 && now - this->last_stats_ >= this->stats_ms_) {
    const float seconds = (now - this->last_stats_) / 1000.0f;
    ESP_LOGI(TAG, "%.1f samples/s, %" PRIu32 " frames sent, %" PRIu32 " not sent, %s, rejected %" PRIu32 "/%" PRIu32
             "/%" PRIu32 "/%" PRIu32 "%s%s%s%s",
             this->samples_since_stats_ / seconds, this->frames_sent_, this->frames_failed_,
             this->pipeline_->idle() ? "idle" : "full rate", this->pipeline_->rejected(0), this->pipeline_->rejected(1),
             this->pipeline_->rejected(2), this->pipeline_->rejected(3), this->scheduler_->absent(0) ? ", tl silent" : "",
             this->scheduler_->absent(1) ? ", tr silent" : "", this->scheduler_->absent(2) ? ", bl silent" : "",
             this->scheduler_->absent(3) ? ", br silent" : "");
    if (this->samples_since_stats_ / seconds < 0.5f * this->info_.rate_hz) {
      ESP_LOGW(TAG, "Only %.1f samples/s of %.0f: is the HX711 RATE pin high (80 SPS) and every DOUT wired?",
               this->samples_since_stats_ / seconds, this->info_.rate_hz);
    }
    this->last_stats_ = now;
    this->samples_since_stats_ = 0;
  }
}

}  // namespace esphome::balance_pad
