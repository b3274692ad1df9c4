// How a bus message's QoS and MQTT 5 properties are kept in the state database: the QoS as its
// number, the properties as one JSON object with correlation data in base64. Shared by retained
// messages and persistent sessions' queues.
#pragma once

#include <cstdint>
#include <string>

#include "mqtt/message_properties.hpp"
#include "mqtt/packet.hpp"

namespace iotemu::store {

// A stored QoS, kept within 0..2 whatever the column holds.
mqtt::QoS decode_qos(std::int64_t value);

std::string encode_properties(const mqtt::MessageProperties& properties);
// StoreError naming `owner` (what the properties belong to) if `text` does not read.
mqtt::MessageProperties decode_properties(const std::string& text, const std::string& owner);

}  // namespace iotemu::store
