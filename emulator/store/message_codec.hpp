// How a bus message's MQTT 5 properties are kept in the state database: one JSON object, with
// correlation data in base64. Shared by retained messages and persistent sessions' queues.
#pragma once

#include <string>

#include "mqtt/message_properties.hpp"

namespace iotemu::store {

std::string encode_properties(const mqtt::MessageProperties& properties);
// StoreError naming `owner` (what the properties belong to) if `text` does not read.
mqtt::MessageProperties decode_properties(const std::string& text, const std::string& owner);

}  // namespace iotemu::store
