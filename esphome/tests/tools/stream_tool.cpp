// Runs the firmware's PadPipeline on a recorded (or synthetic) raw stream, for check_stream.py.
// Input, one line each:   <t_ms> <tl> <tr> <bl> <br>   raw HX711 counts, "-" = chip not ready
//                         tare <t_ms>                  the tare command
// Output, one line each:  the payload of every frame, in order; "# tare <outcome> <t_ms>" events.
// Settings: 20000 counts/kg and 100000 zero counts on every cell, everything else the defaults.

#include <iostream>
#include <sstream>
#include <string>

#include "../../components/balance_pad/pad_pipeline.h"

using namespace esphome::balance_pad;

int main() {
  PadSettings settings;
  for (auto &cell : settings.cells) {
    cell = CellCalibration{20000.0f, 100000};
  }
  PadPipeline pad(settings);
  static const char *const OUTCOMES[] = {"none", "auto", "manual", "manual_failed"};
  std::string line;
  uint32_t t_ms = 0;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string first;
    in >> first;
    if (first == "tare") {
      in >> t_ms;
      pad.request_tare(t_ms);
      continue;
    }
    t_ms = static_cast<uint32_t>(std::stoul(first));
    RawSample raw;
    for (auto &reading : raw) {
      std::string token;
      in >> token;
      reading = token == "-" ? RawReading{false, 0} : RawReading{true, static_cast<int32_t>(std::stol(token))};
    }
    pad.tick(t_ms);
    pad.add_sample(t_ms, raw);
    for (const std::string &frame : pad.take_frames()) {
      std::cout << frame << '\n';
    }
    for (TareOutcome outcome : pad.take_tare_events()) {
      std::cout << "# tare " << OUTCOMES[static_cast<int>(outcome)] << ' ' << t_ms << '\n';
    }
  }
  return 0;
}
