// encode(): MQTT 3.1.1 packets to bytes, for what the broker sends (CONNACK, PUBLISH, PUBACK,
// SUBACK, UNSUBACK, PINGRESP) and what clients send (so tests can round-trip). Sans-I/O.
#pragma once

#include <cstddef>
#include <vector>

#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

// Appends the packet's bytes to `out`. Writes what it is given without judging it (a test may
// want an invalid packet id); validity is the decoder's and the broker's business. A field that
// cannot be represented at all (a string over 65,535 bytes, a packet over 268,435,455) is the
// caller's bug and throws std::length_error, leaving `out` as it was.
void encode(const Packet& packet, std::vector<std::byte>& out);

std::vector<std::byte> encode(const Packet& packet);

}  // namespace iotemu::mqtt
