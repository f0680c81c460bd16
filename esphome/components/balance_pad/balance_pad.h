#pragma once
// The ESPHome shell of the balance pad: pins, MQTT and outputs. Every decision is made by the
// hardware-free PadPipeline, StepScheduler, ButtonClassifier and CuePlayer.

#include <array>
#include <string>
#include <vector>

#include "esphome/components/output/binary_output.h"
#include "esphome/components/output/float_output.h"
#include "esphome/core/component.h"
#include "esphome/core/hal.h"
#include "esphome/core/helpers.h"
#include "esphome/core/preferences.h"

#include "button_classifier.h"
#include "cue_player.h"
#include "pad_pipeline.h"
#include "step_scheduler.h"
#include "wire_format.h"
#include "zero_memory.h"

namespace esphome::balance_pad {

class BalancePad : public Component {
 public:
  void setup() override;
  void loop() override;
  void dump_config() override;
  float get_setup_priority() const override { return setup_priority::DATA; }

  void set_topics(const std::string &prefix, const std::string &pad_id);
  void set_info(const std::string &model, const std::string &fw, float rate_hz, float width_mm,
                float depth_mm);
  void set_samples_per_frame(uint8_t samples) { this->settings_.frame.samples_per_frame = samples; }
  void add_clock_pin(InternalGPIOPin *pin) { this->clock_pins_.push_back(pin); }
  void set_data_pin(std::size_t cell, InternalGPIOPin *pin) { this->data_pins_[cell] = pin; }
  void set_cell(std::size_t cell, float counts_per_kg, int32_t zero_counts) {
    this->settings_.cells[cell] = CellCalibration{counts_per_kg, zero_counts};
  }
  void set_auto_tare(float zero_band_kg, float max_range_kg, uint32_t window_ms);
  void set_spikes(float max_load_kg, float max_step_kg);
  void set_idle(float threshold_kg, uint32_t delay_ms);
  void set_buzzer(output::FloatOutput *buzzer) { this->buzzer_ = buzzer; }
  void set_beeper(output::BinaryOutput *beeper) { this->beeper_ = beeper; }
  void set_led(output::BinaryOutput *led) { this->led_ = led; }
  void set_button_pin(GPIOPin *pin) { this->button_pin_ = pin; }
  void set_long_press_ms(uint32_t ms) { this->button_config_.long_press_ms = ms; }
  void set_intervals(uint32_t calibration_log_ms, uint32_t stats_ms) {
    this->calibration_log_ms_ = calibration_log_ms;
    this->stats_ms_ = stats_ms;
  }

  /// The tare command (also callable from YAML lambdas: id(pad).tare()).
  void tare();
  /// Plays a cue (also callable from YAML lambdas).
  void play_cue(Cue cue);

 protected:
  void read_chips_(const std::array<bool, NUM_CELLS> &take, RawSample &raw);
  void publish_(const std::string &topic, const std::string &payload, uint8_t qos, bool retain);
  void handle_command_(const std::string &payload);
  void handle_button_(uint32_t now);
  void update_outputs_(uint32_t now);
  void log_periodic_(uint32_t now);
  void restore_zeros_();
  void store_zeros_();

  std::string frames_topic_, info_topic_, button_topic_, cmd_topic_;
  PadInfo info_;
  PadSettings settings_;
  ButtonConfig button_config_;
  PadPipeline *pipeline_{nullptr};
  StepScheduler *scheduler_{nullptr};
  ButtonClassifier *button_{nullptr};
  CuePlayer cues_;
  HighFrequencyLoopRequester high_frequency_;

  std::vector<InternalGPIOPin *> clock_pins_;
  std::array<InternalGPIOPin *, NUM_CELLS> data_pins_{};
  output::FloatOutput *buzzer_{nullptr};
  output::BinaryOutput *beeper_{nullptr};
  output::BinaryOutput *led_{nullptr};
  GPIOPin *button_pin_{nullptr};
  CueOutput applied_{};
  bool outputs_applied_{false};

  ESPPreferenceObject zeros_pref_;
  SavedZeros stored_zeros_{};

  bool was_connected_{false};
  bool info_pending_{false};
  uint32_t last_info_attempt_{0};
  uint32_t calibration_log_ms_{0};
  uint32_t stats_ms_{60000};
  uint32_t last_calibration_log_{0};
  uint32_t last_stats_{0};
  uint32_t samples_since_stats_{0};
  uint32_t frames_sent_{0};
  uint32_t frames_failed_{0};
};

}  // namespace esphome::balance_pad
