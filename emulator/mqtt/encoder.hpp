// encode(): MQTT 3.1.1 and 5 packets to bytes, for what the broker sends (CONNACK, PUBLISH,
// PUBACK, SUBACK, UNSUBACK, PINGRESP, DISCONNECT) and what clients send (so tests can
// round-trip). Sans-I/O.
#pragma once

#include <cstddef>
#include <vector>

#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

// Appends the packet's bytes, in `version`'s layout, to `out`. Writes what it is given without
// judging it (a test may want an invalid packet id); validity is the decoder's and the
// protocol's business. What 3.1.1 cannot carry (properties, most reason codes) is left out: a
// 3.1.1 CONNACK carries connect_return_code_for(reason_code), a 3.1.1 SUBACK 0x80 for any
// failure. A field that cannot be represented at all (a string over 65,535 bytes, a packet over
// 268,435,455) is the caller's bug and throws std::length_error, leaving `out` as it was.
void encode(const Packet& packet, ProtocolVersion version, std::vector<std::byte>& out);

std::vector<std::byte> encode(const Packet& packet,
                              ProtocolVersion version = ProtocolVersion::v311);

// The number of bytes encode() would append.
std::size_t encoded_size(const Packet& packet, ProtocolVersion version);

}  // namespace iotemu::mqtt
