#include "wire_format.h"

#include <cmath>
#include <cstdio>
#include <cctype>
#include <map>

namespace esphome::balance_pad {

namespace {

// The v1 parser rejects a whole frame holding a load beyond ±500 kg (engine/protocol.py).
constexpr double MAX_ENCODED_KG = 500.0;

void append_fixed(std::string &out, long long scaled, int decimals) {
  // scaled = value * 10^decimals, already rounded; printed without going through float formatting.
  if (scaled < 0) {
    out += '-';
    scaled = -scaled;
  }
  long long divisor = 1;
  for (int i = 0; i < decimals; i++) {
    divisor *= 10;
  }
  char buffer[32];
  int written = std::snprintf(buffer, sizeof(buffer), "%lld", scaled / divisor);
  out.append(buffer, static_cast<std::size_t>(written));
  if (decimals > 0) {
    written = std::snprintf(buffer, sizeof(buffer), ".%0*lld", decimals, scaled % divisor);
    out.append(buffer, static_cast<std::size_t>(written));
  }
}

}  // namespace

void append_kg(std::string &out, float kg) {
  if (is_missing(kg) || !std::isfinite(kg) || std::fabs(static_cast<double>(kg)) > MAX_ENCODED_KG) {
    out += "null";
    return;
  }
  append_fixed(out, std::llround(static_cast<double>(kg) * 1000.0), 3);
}

void append_number(std::string &out, double value, int max_decimals) {
  long long scale = 1;
  for (int i = 0; i < max_decimals; i++) {
    scale *= 10;
  }
  long long scaled = std::llround(value * static_cast<double>(scale));
  int decimals = max_decimals;
  while (decimals > 0 && scaled % 10 == 0) {
    scaled /= 10;
    decimals--;
  }
  append_fixed(out, scaled, decimals);
}

void append_json_string(std::string &out, const std::string &value) {
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string encode_frame(const Frame &frame) {
  std::string out;
  out.reserve(64 + frame.samples.size() * 40);
  out += "{\"v\":1,\"seq\":";
  append_number(out, frame.seq, 0);
  out += ",\"t_ms\":";
  append_number(out, frame.t_ms, 0);
  out += ",\"rate_hz\":";
  append_number(out, frame.rate_hz, 2);
  out += ",\"cells\":[";
  for (std::size_t s = 0; s < frame.samples.size(); s++) {
    out += s == 0 ? "[" : ",[";
    for (std::size_t i = 0; i < NUM_CELLS; i++) {
      if (i > 0) {
        out += ',';
      }
      append_kg(out, frame.samples[s][i]);
    }
    out += ']';
  }
  out += "]}";
  return out;
}

std::string encode_info(const PadInfo &info) {
  std::string out = "{\"v\":1,\"model\":";
  append_json_string(out, info.model);
  out += ",\"fw\":";
  append_json_string(out, info.fw);
  out += ",\"rate_hz\":";
  append_number(out, info.rate_hz, 2);
  out += ",\"width_mm\":";
  append_number(out, info.width_mm, 1);
  out += ",\"depth_mm\":";
  append_number(out, info.depth_mm, 1);
  out += ",\"cells\":[\"tl\",\"tr\",\"bl\",\"br\"],\"unit\":\"kg\"}";
  return out;
}

std::string encode_button(ButtonPress press) {
  return press == ButtonPress::LONG ? "{\"v\":1,\"press\":\"long\"}" : "{\"v\":1,\"press\":\"short\"}";
}

namespace {

/// A scalar JSON value as found in a flat object: strings unescaped, other values as written.
struct JsonScalar {
  bool is_string{false};
  std::string text;
};

/// Minimal reader for one flat JSON object (nested values are skipped). No exceptions, no heap
/// beyond the strings it returns: it runs on the ESP32 for every cmd message.
class FlatObjectReader {
 public:
  explicit FlatObjectReader(const std::string &text) : text_(text) {}

  bool read(std::map<std::string, JsonScalar> &fields, std::string &error) {
    this->skip_ws_();
    if (!this->consume_('{')) {
      error = "payload is not a JSON object";
      return false;
    }
    this->skip_ws_();
    if (this->consume_('}')) {
      return this->finish_(error);
    }
    while (true) {
      std::string key;
      JsonScalar value;
      this->skip_ws_();
      if (!this->read_string_(key)) {
        error = "expected a quoted key";
        return false;
      }
      this->skip_ws_();
      if (!this->consume_(':')) {
        error = "expected ':' after key";
        return false;
      }
      this->skip_ws_();
      if (!this->read_value_(value)) {
        error = "bad value for key '" + key + "'";
        return false;
      }
      fields[key] = value;
      this->skip_ws_();
      if (this->consume_(',')) {
        continue;
      }
      if (this->consume_('}')) {
        return this->finish_(error);
      }
      error = "expected ',' or '}'";
      return false;
    }
  }

 protected:
  bool finish_(std::string &error) {
    this->skip_ws_();
    if (this->pos_ != this->text_.size()) {
      error = "trailing characters after the JSON object";
      return false;
    }
    return true;
  }

  void skip_ws_() {
    while (this->pos_ < this->text_.size() &&
           (this->text_[this->pos_] == ' ' || this->text_[this->pos_] == '\t' ||
            this->text_[this->pos_] == '\n' || this->text_[this->pos_] == '\r')) {
      this->pos_++;
    }
  }

  bool consume_(char c) {
    if (this->pos_ < this->text_.size() && this->text_[this->pos_] == c) {
      this->pos_++;
      return true;
    }
    return false;
  }

  bool read_string_(std::string &out) {
    if (!this->consume_('"')) {
      return false;
    }
    while (this->pos_ < this->text_.size()) {
      char c = this->text_[this->pos_++];
      if (c == '"') {
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return false;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (this->pos_ >= this->text_.size()) {
        return false;
      }
      c = this->text_[this->pos_++];
      switch (c) {
        case '"':
        case '\\':
        case '/':
          out += c;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          // Non-ASCII text never names a command; keep a placeholder, check the hex digits.
          for (int i = 0; i < 4; i++) {
            if (this->pos_ >= this->text_.size() || !std::isxdigit(static_cast<unsigned char>(this->text_[this->pos_]))) {
              return false;
            }
            this->pos_++;
          }
          out += '?';
          break;
        default:
          return false;
      }
    }
    return false;
  }

  bool read_literal_(const char *literal, JsonScalar &value) {
    std::size_t start = this->pos_;
    for (const char *p = literal; *p != '\0'; p++) {
      if (!this->consume_(*p)) {
        this->pos_ = start;
        return false;
      }
    }
    value.text = literal;
    return true;
  }

  bool read_number_(JsonScalar &value) {
    std::size_t start = this->pos_;
    this->consume_('-');
    std::size_t digits = this->skip_digits_();
    if (digits == 0) {
      return false;
    }
    if (this->consume_('.') && this->skip_digits_() == 0) {
      return false;
    }
    if (this->consume_('e') || this->consume_('E')) {
      if (!this->consume_('+')) {
        this->consume_('-');
      }
      if (this->skip_digits_() == 0) {
        return false;
      }
    }
    value.text = this->text_.substr(start, this->pos_ - start);
    return true;
  }

  std::size_t skip_digits_() {
    std::size_t count = 0;
    while (this->pos_ < this->text_.size() && this->text_[this->pos_] >= '0' && this->text_[this->pos_] <= '9') {
      this->pos_++;
      count++;
    }
    return count;
  }

  /// Skips a nested object or array, strings included; its text is not needed.
  bool skip_nested_(JsonScalar &value) {
    std::string closers;  // the closing brackets still expected, innermost last
    while (this->pos_ < this->text_.size()) {
      char c = this->text_[this->pos_];
      if (c == '"') {
        std::string ignored;
        if (!this->read_string_(ignored)) {
          return false;
        }
        continue;
      }
      this->pos_++;
      if (c == '{' || c == '[') {
        closers += c == '{' ? '}' : ']';
      } else if (c == '}' || c == ']') {
        if (closers.empty() || closers.back() != c) {
          return false;
        }
        closers.pop_back();
        if (closers.empty()) {
          value.text = "<nested>";
          return true;
        }
      }
    }
    return false;
  }

  bool read_value_(JsonScalar &value) {
    if (this->pos_ >= this->text_.size()) {
      return false;
    }
    char c = this->text_[this->pos_];
    if (c == '"') {
      value.is_string = true;
      return this->read_string_(value.text);
    }
    if (c == '{' || c == '[') {
      return this->skip_nested_(value);
    }
    return this->read_literal_("true", value) || this->read_literal_("false", value) ||
           this->read_literal_("null", value) || this->read_number_(value);
  }

  const std::string &text_;
  std::size_t pos_{0};
};

Command invalid(const std::string &why) {
  Command command;
  command.error = why;
  return command;
}

}  // namespace

Command parse_command(const std::string &payload) {
  std::map<std::string, JsonScalar> fields;
  std::string error;
  if (!FlatObjectReader(payload).read(fields, error)) {
    return invalid(error);
  }
  auto version = fields.find("v");
  if (version != fields.end() && (version->second.is_string || version->second.text != "1")) {
    return invalid("unsupported protocol version " + version->second.text);
  }
  auto cmd = fields.find("cmd");
  if (cmd == fields.end() || !cmd->second.is_string) {
    return invalid("missing string field 'cmd'");
  }
  Command command;
  if (cmd->second.text == "tare") {
    command.kind = CommandKind::TARE;
    return command;
  }
  if (cmd->second.text != "cue") {
    return invalid("unknown cmd '" + cmd->second.text + "'");
  }
  auto cue = fields.find("cue");
  if (cue == fields.end() || !cue->second.is_string) {
    return invalid("cmd 'cue' needs a string field 'cue'");
  }
  static const std::map<std::string, Cue> CUES = {
      {"start", Cue::START}, {"stop", Cue::STOP}, {"pass", Cue::PASS}, {"fail", Cue::FAIL}};
  auto found = CUES.find(cue->second.text);
  if (found == CUES.end()) {
    return invalid("unknown cue '" + cue->second.text + "'");
  }
  command.kind = CommandKind::CUE;
  command.cue = found->second;
  return command;
}

}  // namespace esphome::balance_pad
