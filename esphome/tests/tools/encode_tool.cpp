// Command-line face of the firmware's encoder and command parser, for check_fixtures.py.
// One request per input line, one answer per output line:
//   frame <seq> <t_ms> <rate_hz> <n> <4n loads, "null" for missing>  -> the frame payload
//   info <model>\t<fw>\t<rate_hz>\t<width_mm>\t<depth_mm>             -> the info payload
//   button short|long                                                -> the button payload
//   cmd <payload>                                                    -> "tare" | "cue <name>" | "invalid <why>"

#include <iostream>
#include <sstream>
#include <string>

#include "../../components/balance_pad/wire_format.h"

using namespace esphome::balance_pad;

static const char *cue_name(Cue cue) {
  switch (cue) {
    case Cue::START:
      return "start";
    case Cue::STOP:
      return "stop";
    case Cue::PASS:
      return "pass";
    case Cue::FAIL:
      return "fail";
    default:
      return "local";
  }
}

static std::string answer(const std::string &line) {
  const std::size_t space = line.find(' ');
  const std::string kind = line.substr(0, space);
  const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
  if (kind == "frame") {
    std::istringstream in(rest);
    Frame frame;
    std::size_t count = 0;
    in >> frame.seq >> frame.t_ms >> frame.rate_hz >> count;
    for (std::size_t s = 0; s < count; s++) {
      CellLoads loads;
      for (auto &load : loads) {
        std::string token;
        in >> token;
        load = token == "null" ? MISSING_KG : std::stof(token);
      }
      frame.samples.push_back(loads);
    }
    return encode_frame(frame);
  }
  if (kind == "info") {
    std::istringstream in(rest);
    PadInfo info;
    std::string rate, width, depth;
    std::getline(in, info.model, '\t');
    std::getline(in, info.fw, '\t');
    std::getline(in, rate, '\t');
    std::getline(in, width, '\t');
    std::getline(in, depth, '\t');
    info.rate_hz = std::stof(rate);
    info.width_mm = std::stof(width);
    info.depth_mm = std::stof(depth);
    return encode_info(info);
  }
  if (kind == "button") {
    return encode_button(rest == "long" ? ButtonPress::LONG : ButtonPress::SHORT);
  }
  if (kind == "cmd") {
    const Command command = parse_command(rest);
    if (command.kind == CommandKind::TARE) {
      return "tare";
    }
    if (command.kind == CommandKind::CUE) {
      return std::string("cue ") + cue_name(command.cue);
    }
    return "invalid " + command.error;
  }
  return "unknown request";
}

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::cout << answer(line) << '\n';
  }
  return 0;
}
