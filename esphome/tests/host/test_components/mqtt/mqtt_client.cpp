#include "mqtt_client.h"

#include <mosquitto.h>

#include <cstdlib>

#include "esphome/core/hal.h"
#include "esphome/core/log.h"

namespace esphome::mqtt {

static const char *const TAG = "mqtt";
/// Between two connection attempts, as ESPHome's client waits after a failed one.
static constexpr uint32_t RECONNECT_INTERVAL_MS = 1000;
/// How long a clean shutdown may take to hand the shutdown message and DISCONNECT to the broker.
static constexpr uint32_t SHUTDOWN_FLUSH_MS = 1000;

MQTTClientComponent *global_mqtt_client = nullptr;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

MQTTClientComponent::MQTTClientComponent() { global_mqtt_client = this; }

void MQTTClientComponent::set_keep_alive(uint16_t keep_alive_s) { this->keep_alive_s_ = keep_alive_s; }
void MQTTClientComponent::set_birth_message(MQTTMessage &&message) { this->birth_ = std::move(message); }
void MQTTClientComponent::set_last_will(MQTTMessage &&message) { this->will_ = std::move(message); }
void MQTTClientComponent::set_shutdown_message(MQTTMessage &&message) { this->shutdown_ = std::move(message); }

void MQTTClientComponent::setup() {
  // One build runs against any broker: scripts/firmware-host passes it in the environment.
  if (const char *broker = std::getenv("ESPHOME_HOST_MQTT_BROKER")) {
    this->address_ = broker;
  }
  if (const char *port = std::getenv("ESPHOME_HOST_MQTT_PORT")) {
    this->port_ = static_cast<uint16_t>(std::strtoul(port, nullptr, 10));
  }
  if (const char *username = std::getenv("ESPHOME_HOST_MQTT_USERNAME")) {
    this->username_ = username;
  }
  if (const char *password = std::getenv("ESPHOME_HOST_MQTT_PASSWORD")) {
    this->password_ = password;
  }
  mosquitto_lib_init();
  this->client_ = mosquitto_new(this->client_id_.c_str(), this->clean_session_, this);
  if (this->client_ == nullptr) {
    ESP_LOGE(TAG, "libmosquitto could not create a client");
    this->mark_failed();
    return;
  }
  if (!this->username_.empty()) {
    mosquitto_username_pw_set(this->client_, this->username_.c_str(),
                              this->password_.empty() ? nullptr : this->password_.c_str());
  }
  if (!this->will_.topic.empty()) {
    mosquitto_will_set(this->client_, this->will_.topic.c_str(), static_cast<int>(this->will_.payload.size()),
                       this->will_.payload.data(), this->will_.qos, this->will_.retain);
  }
  mosquitto_connect_callback_set(this->client_, &MQTTClientComponent::on_connect_);
  mosquitto_disconnect_callback_set(this->client_, &MQTTClientComponent::on_disconnect_);
  mosquitto_message_callback_set(this->client_, &MQTTClientComponent::on_message_);
  this->connect_(millis());
}

void MQTTClientComponent::dump_config() {
  ESP_LOGCONFIG(TAG,
                "MQTT (host stand-in on libmosquitto):\n"
                "  Broker: %s:%u\n"
                "  Client id: %s\n"
                "  Keepalive: %us",
                this->address_.c_str(), this->port_, this->client_id_.c_str(), this->keep_alive_s_);
}

void MQTTClientComponent::connect_(uint32_t now) {
  this->last_attempt_ = now;
  const int rc = mosquitto_connect_async(this->client_, this->address_.c_str(), this->port_, this->keep_alive_s_);
  this->connecting_ = rc == MOSQ_ERR_SUCCESS;
  if (!this->connecting_) {
    ESP_LOGW(TAG, "Cannot reach %s:%u: %s", this->address_.c_str(), this->port_, mosquitto_strerror(rc));
  }
}

void MQTTClientComponent::loop() {
  if (this->client_ == nullptr) {
    return;
  }
  // Non-blocking: a zero timeout reads and writes what the socket allows and returns.
  const int rc = mosquitto_loop(this->client_, 0, 1);
  if (rc == MOSQ_ERR_SUCCESS) {
    return;
  }
  if (this->connected_) {
    ESP_LOGW(TAG, "Connection to %s:%u lost: %s", this->address_.c_str(), this->port_, mosquitto_strerror(rc));
  } else if (this->connecting_) {
    ESP_LOGW(TAG, "Cannot connect to %s:%u: %s", this->address_.c_str(), this->port_, mosquitto_strerror(rc));
  }
  this->connected_ = false;
  this->connecting_ = false;
  const uint32_t now = millis();
  if (now - this->last_attempt_ >= RECONNECT_INTERVAL_MS) {
    this->connect_(now);
  }
}

void MQTTClientComponent::on_connect_(struct mosquitto * /*client*/, void *self, int rc) {
  auto *that = static_cast<MQTTClientComponent *>(self);
  that->connecting_ = false;
  if (rc != 0) {
    ESP_LOGW(TAG, "Broker refused the connection: %s", mosquitto_connack_string(rc));
    return;
  }
  that->connected_ = true;
  ESP_LOGI(TAG, "Connected to %s:%u", that->address_.c_str(), that->port_);
  if (!that->birth_.topic.empty()) {
    that->publish_message_(that->birth_);
  }
  for (const Subscription &subscription : that->subscriptions_) {
    mosquitto_subscribe(that->client_, nullptr, subscription.topic.c_str(), subscription.qos);
  }
}

void MQTTClientComponent::on_disconnect_(struct mosquitto * /*client*/, void *self, int rc) {
  auto *that = static_cast<MQTTClientComponent *>(self);
  that->connected_ = false;
  if (rc != 0) {
    ESP_LOGW(TAG, "Disconnected: %s", mosquitto_strerror(rc));
  }
}

void MQTTClientComponent::on_message_(struct mosquitto * /*client*/, void *self,
                                      const struct mosquitto_message *message) {
  auto *that = static_cast<MQTTClientComponent *>(self);
  const std::string payload(static_cast<const char *>(message->payload), message->payloadlen);
  const std::string topic(message->topic);
  for (const Subscription &subscription : that->subscriptions_) {
    bool matches = false;
    mosquitto_topic_matches_sub(subscription.topic.c_str(), message->topic, &matches);
    if (matches) {
      subscription.callback(topic, payload);
    }
  }
}

void MQTTClientComponent::subscribe(const std::string &topic, mqtt_callback_t callback, uint8_t qos) {
  this->subscriptions_.push_back(Subscription{topic, qos, std::move(callback)});
  if (this->connected_) {
    mosquitto_subscribe(this->client_, nullptr, topic.c_str(), qos);
  }
}

bool MQTTClientComponent::publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) {
  return this->publish_message_(MQTTMessage{topic, payload, qos, retain});
}

bool MQTTClientComponent::publish_message_(const MQTTMessage &message) {
  if (!this->connected_) {
    return false;
  }
  const int rc = mosquitto_publish(this->client_, nullptr, message.topic.c_str(),
                                   static_cast<int>(message.payload.size()), message.payload.data(), message.qos,
                                   message.retain);
  if (rc != MOSQ_ERR_SUCCESS) {
    ESP_LOGW(TAG, "Publishing to %s failed: %s", message.topic.c_str(), mosquitto_strerror(rc));
    return false;
  }
  return true;
}

bool MQTTClientComponent::is_connected() { return this->connected_; }

void MQTTClientComponent::on_shutdown() {
  if (this->client_ == nullptr || !this->connected_) {
    return;
  }
  if (!this->shutdown_.topic.empty()) {
    this->publish_message_(this->shutdown_);
  }
  mosquitto_disconnect(this->client_);
  // A clean DISCONNECT does not fire the will: the shutdown message must reach the broker first.
  const uint32_t start = millis();
  while (this->connected_ && millis() - start < SHUTDOWN_FLUSH_MS) {
    mosquitto_loop(this->client_, 10, 1);
  }
  ESP_LOGI(TAG, "Disconnected cleanly");
}

}  // namespace esphome::mqtt
