#pragma once
// Host stand-in for the part of ESPHome's MQTT client that balance_pad.cpp uses, so that the
// component's shell can be compiled against the real ESPHome core headers without the ESP-IDF
// MQTT library and ArduinoJson. scripts/check-firmware checks that every declaration below
// appears word for word in the real esphome/components/mqtt/mqtt_client.h of the pinned release.
#include <cstdint>
#include <functional>
#include <string>

namespace esphome::mqtt {

using mqtt_callback_t = std::function<void(const std::string &, const std::string &)>;

class MQTTClientComponent {
 public:
  void subscribe(const std::string &topic, mqtt_callback_t callback, uint8_t qos = 0);
  bool publish(const std::string &topic, const std::string &payload, uint8_t qos = 0, bool retain = false);
  bool is_connected();
};

extern MQTTClientComponent *global_mqtt_client;

}  // namespace esphome::mqtt
