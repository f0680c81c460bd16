#pragma once
// Test-only stand-in for ESPHome's MQTT client on the host platform (see __init__.py): the part
// of esphome/components/mqtt/mqtt_client.h that balance_pad uses, on libmosquitto.
// scripts/check-firmware checks that the lines marked "real API" below appear word for word in
// the real header of the pinned ESPHome release.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "esphome/core/component.h"

struct mosquitto;
struct mosquitto_message;

namespace esphome::mqtt {

// real API
using mqtt_callback_t = std::function<void(const std::string &, const std::string &)>;

struct MQTTMessage {
  std::string topic;
  std::string payload;
  uint8_t qos;
  bool retain;
};

class MQTTClientComponent : public Component {
 public:
  MQTTClientComponent();

  void setup() override;
  void loop() override;
  void dump_config() override;
  void on_shutdown() override;
  float get_setup_priority() const override { return setup_priority::AFTER_WIFI; }

  void set_broker_address(const std::string &address) { this->address_ = address; }
  void set_broker_port(uint16_t port) { this->port_ = port; }
  void set_username(const std::string &username) { this->username_ = username; }
  void set_password(const std::string &password) { this->password_ = password; }
  void set_client_id(const std::string &client_id) { this->client_id_ = client_id; }
  void set_clean_session(const bool &clean_session) { this->clean_session_ = clean_session; }
  void set_keep_alive(uint16_t keep_alive_s);
  void set_birth_message(MQTTMessage &&message);
  void set_last_will(MQTTMessage &&message);
  void set_shutdown_message(MQTTMessage &&message);

  // real API
  void subscribe(const std::string &topic, mqtt_callback_t callback, uint8_t qos = 0);
  // real API
  bool publish(const std::string &topic, const std::string &payload, uint8_t qos = 0, bool retain = false);
  // real API
  bool is_connected();

 protected:
  struct Subscription {
    std::string topic;
    uint8_t qos;
    mqtt_callback_t callback;
  };

  static void on_connect_(struct mosquitto *client, void *self, int rc);
  static void on_disconnect_(struct mosquitto *client, void *self, int rc);
  static void on_message_(struct mosquitto *client, void *self, const struct mosquitto_message *message);
  void connect_(uint32_t now);
  bool publish_message_(const MQTTMessage &message);

  std::string address_;
  uint16_t port_{1883};
  std::string username_;
  std::string password_;
  std::string client_id_;
  bool clean_session_{false};
  uint16_t keep_alive_s_{15};
  MQTTMessage birth_{};
  MQTTMessage will_{};
  MQTTMessage shutdown_{};
  std::vector<Subscription> subscriptions_;

  struct mosquitto *client_{nullptr};
  bool connected_{false};
  bool connecting_{false};
  uint32_t last_attempt_{0};
};

// real API
extern MQTTClientComponent *global_mqtt_client;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

}  // namespace esphome::mqtt
