#pragma once
// Protocol v1 payloads (docs/protocol.md): JSON encoding of frames, info and button presses, and
// parsing of the cmd topic. Hand-written so that the exact bytes are testable on the host.

#include <string>
#include <vector>

#include "pad_types.h"

namespace esphome::balance_pad {

constexpr int PROTOCOL_VERSION = 1;

/// Appends kg with exactly three decimals ("-0.250", "71.004"), or `null` when missing.
/// Values beyond ±500 kg cannot be honest readings (and the v1 parser would reject the whole
/// frame), so they are sent as `null`.
void append_kg(std::string &out, float kg);

/// Appends a number with at most `max_decimals` decimals and no trailing zeros ("80", "79.5").
void append_number(std::string &out, double value, int max_decimals);

/// Appends a JSON string literal with the required escapes.
void append_json_string(std::string &out, const std::string &value);

struct Frame {
  uint32_t seq{0};
  uint32_t t_ms{0};
  float rate_hz{80.0f};
  std::vector<CellLoads> samples;
};

std::string encode_frame(const Frame &frame);

struct PadInfo {
  std::string model;
  std::string fw;
  float rate_hz{80.0f};
  float width_mm{433.0f};
  float depth_mm{238.0f};
};

std::string encode_info(const PadInfo &info);

enum class ButtonPress { NONE, SHORT, LONG };

std::string encode_button(ButtonPress press);

enum class Cue { START, STOP, PASS, FAIL, CLICK, TARE_OK, TARE_FAILED };

enum class CommandKind { INVALID, TARE, CUE };

struct Command {
  CommandKind kind{CommandKind::INVALID};
  Cue cue{Cue::START};
  std::string error;  ///< why an INVALID command was rejected
};

/// Parses a cmd payload: {"cmd":"tare"} or {"cmd":"cue","cue":"start"|"stop"|"pass"|"fail"}.
/// Unknown extra keys are ignored; "v", when present, must be the integer 1.
Command parse_command(const std::string &payload);

}  // namespace esphome::balance_pad
