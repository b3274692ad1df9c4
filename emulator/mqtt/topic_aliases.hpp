// MQTT 5 topic aliases (§3.3.2.3.4) of one connection, both ways: the client's aliases for the
// topics it publishes to, and the ones the server gives the topics it delivers on. Aliases live
// as long as the connection. Sans-I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/text_map.hpp"
#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

// Client to server, up to the Topic Alias Maximum the server announced.
class InboundTopicAliases {
public:
    explicit InboundTopicAliases(std::uint16_t maximum = 0) : topics_(maximum) {}

    // Gives `publish` its topic: a PUBLISH with a topic and an alias (re)defines the alias, one
    // with an alias only takes the topic the alias stands for. Returns the reason to disconnect
    // with when that cannot be done: topic_alias_invalid for 0 or an alias over the maximum,
    // protocol_error for an alias never defined [MQTT-3.3.2-7], -8, -9.
    std::optional<ReasonCode> resolve(Publish& publish);

private:
    std::vector<std::string> topics_;  // alias N is topics_[N - 1]; empty: not defined
};

// Server to client, up to the client's Topic Alias Maximum: the first PUBLISH on a topic sends
// the topic and defines an alias, later ones send the alias alone. When all aliases are taken,
// they are reused in turn, oldest definition first.
class OutboundTopicAliases {
public:
    explicit OutboundTopicAliases(std::uint16_t maximum = 0) : maximum_(maximum) {}

    // Called for each PUBLISH as it is sent (in the order the client receives them).
    void apply(Publish& publish);

private:
    std::uint16_t maximum_;
    TextMap<std::uint16_t> aliases_;   // topic → alias
    std::vector<std::string> topics_;  // alias N is topics_[N - 1]
    std::uint16_t next_reused_ = 0;    // the alias to redefine next when all are taken
};

}  // namespace iotemu::mqtt
