// ESPHome 2026.10.0 declares InterruptLock for every platform (esphome/core/helpers.h) but
// defines it only for microcontrollers, so balance_pad's read loop does not link on the host.
// A host process cannot disable interrupts; the bench instead records how long each clock pulse
// stayed high (pad_bench.cpp). Should a later ESPHome define it for the host, this file's
// duplicate definition fails the link and can go.
#ifdef USE_HOST

#include "esphome/core/helpers.h"

namespace esphome {

InterruptLock::InterruptLock() = default;
InterruptLock::~InterruptLock() = default;

}  // namespace esphome

#endif  // USE_HOST
