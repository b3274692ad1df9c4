// Decoding well-formed MQTT 3.1.1 packets, written as wire bytes with one comment per field, and
// the framing contract: NeedMore until a packet is whole, exactly one packet per next().
#include "mqtt/decoder.hpp"

#include <catch2/catch.hpp>

#include "mqtt/bytes.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;

namespace {

const auto connect_with_everything = bytes({
    0x10,                               // fixed header: CONNECT
    0x28,                               // remaining length: 40
    0x00, 0x04, 'M',  'Q',  'T',  'T',  // protocol name "MQTT"
    0x04,                               // protocol level 4 (3.1.1)
    0xEC,                               // flags: user name, password, will retain, will QoS 1, will
    0x00, 0x3C,                         // keep alive: 60 s
    0x00, 0x04, 'd',  'e',  'v',  '1',  // client identifier "dev1"
    0x00, 0x05, 'l',  'a',  's',  't', '/',  // will topic "last/"
    0x00, 0x03, 'b',  'y',  'e',             // will message "bye"
    0x00, 0x05, 'a',  'l',  'i',  'c', 'e',  // user name "alice"
    0x00, 0x03, 0x01, 0x00, 0xFF,            // password: 3 binary bytes
});

}  // namespace

TEST_CASE("A CONNECT with a will, user name and password decodes field by field") {
    const auto connect = packet_as<Connect>(decode_one(connect_with_everything));
    CHECK(connect.protocol_name == "MQTT");
    CHECK(connect.protocol_level == 4);
    CHECK_FALSE(connect.clean_session);
    CHECK(connect.keep_alive == 60);
    CHECK(connect.client_id == "dev1");
    REQUIRE(connect.will);
    CHECK(connect.will->topic == "last/");
    CHECK(connect.will->payload == bytes("bye"));
    CHECK(connect.will->qos == QoS::at_least_once);
    CHECK(connect.will->retain);
    CHECK(connect.username == "alice");
    CHECK(connect.password == bytes({0x01, 0x00, 0xFF}));
}

TEST_CASE("A minimal CONNECT has no will, user name or password") {
    const auto minimal = bytes({
        0x10,                            // fixed header: CONNECT
        0x0C,                            // remaining length: 12
        0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
        0x04,                            // protocol level 4
        0x02,                            // flags: clean session
        0x00, 0x00,                      // keep alive: 0 (off; AWS makes it 1200 s)
        0x00, 0x00,                      // client identifier: empty
    });
    const auto connect = packet_as<Connect>(decode_one(minimal));
    CHECK(connect.clean_session);
    CHECK(connect.keep_alive == 0);
    CHECK(connect.client_id.empty());
    CHECK_FALSE(connect.will);
    CHECK_FALSE(connect.username);
    CHECK_FALSE(connect.password);
}

TEST_CASE("An MQTT 3.1 CONNECT (MQIsdp, level 3) is accepted") {
    const auto v31 = bytes({
        0x10,                                      // fixed header: CONNECT
        0x10,                                      // remaining length: 16
        0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
        0x03,                                      // protocol level 3
        0x02,                                      // flags: clean session
        0x00, 0x0A,                                // keep alive: 10 s
        0x00, 0x02, 'c', '1',                      // client identifier "c1"
    });
    const auto connect = packet_as<Connect>(decode_one(v31));
    CHECK(connect.protocol_name == "MQIsdp");
    CHECK(connect.protocol_level == 3);
    CHECK(connect.client_id == "c1");
}

TEST_CASE("A CONNACK carries session present and the return code") {
    const auto connack = packet_as<Connack>(decode_one(bytes({
        0x20,  // fixed header: CONNACK
        0x02,  // remaining length: 2
        0x01,  // acknowledge flags: session present
        0x00,  // return code: accepted
    })));
    CHECK(connack.session_present);
    CHECK(connack.reason_code == ReasonCode::success);
}

TEST_CASE("A QoS 1 PUBLISH with retain carries its packet id and binary payload") {
    const auto publish = packet_as<Publish>(decode_one(bytes({
        0x33,                                 // fixed header: PUBLISH, QoS 1, retain
        0x0B,                                 // remaining length: 11
        0x00, 0x05, 'a', '/', 'b', '/', 'c',  // topic name "a/b/c"
        0x12, 0x34,                           // packet identifier 0x1234
        0x00, 0xFF,                           // payload: two bytes, one of them 0
    })));
    CHECK_FALSE(publish.dup);
    CHECK(publish.qos == QoS::at_least_once);
    CHECK(publish.retain);
    CHECK(publish.topic == "a/b/c");
    CHECK(publish.packet_id == 0x1234);
    CHECK(publish.payload == bytes({0x00, 0xFF}));
}

TEST_CASE("A QoS 0 PUBLISH has no packet id and may have an empty payload") {
    const auto publish = packet_as<Publish>(decode_one(bytes({
        0x30,             // fixed header: PUBLISH, QoS 0
        0x03,             // remaining length: 3
        0x00, 0x01, '$',  // topic name "$" (a '$' topic is still a valid name)
    })));
    CHECK(publish.qos == QoS::at_most_once);
    CHECK(publish.packet_id == 0);
    CHECK(publish.topic == "$");
    CHECK(publish.payload.empty());
}

TEST_CASE("A QoS 2 PUBLISH with DUP decodes so the broker can refuse it") {
    const auto publish = packet_as<Publish>(decode_one(bytes({
        0x3C,             // fixed header: PUBLISH, DUP, QoS 2
        0x05,             // remaining length: 5
        0x00, 0x01, 't',  // topic name "t"
        0x00, 0x07,       // packet identifier 7
    })));
    CHECK(publish.dup);
    CHECK(publish.qos == QoS::exactly_once);
}

TEST_CASE("Acknowledgements carrying only a packet id decode to their own types") {
    CHECK(packet_as<Puback>(decode_one(bytes({0x40, 0x02, 0x00, 0x01}))).packet_id == 1);
    CHECK(packet_as<Pubrec>(decode_one(bytes({0x50, 0x02, 0x00, 0x02}))).packet_id == 2);
    CHECK(packet_as<Pubrel>(decode_one(bytes({0x62, 0x02, 0x00, 0x03}))).packet_id == 3);
    CHECK(packet_as<Pubcomp>(decode_one(bytes({0x70, 0x02, 0x00, 0x04}))).packet_id == 4);
    CHECK(packet_as<Unsuback>(decode_one(bytes({0xB0, 0x02, 0xFF, 0xFF}))).packet_id == 0xFFFF);
}

TEST_CASE("A SUBSCRIBE lists its filters with their requested QoS") {
    const auto subscribe = packet_as<Subscribe>(decode_one(bytes({
        0x82,                                 // fixed header: SUBSCRIBE, flags 0b0010
        0x10,                                 // remaining length: 16
        0x00, 0x0A,                           // packet identifier 10
        0x00, 0x03, 'a', '/', '#',            // filter "a/#"
        0x01,                                 // requested QoS 1
        0x00, 0x05, '+', '/', '+', '/', 'b',  // filter "+/+/b"
        0x00,                                 // requested QoS 0
    })));
    CHECK(subscribe.packet_id == 10);
    CHECK(subscribe.subscriptions ==
          std::vector<Subscription>{{"a/#", QoS::at_least_once}, {"+/+/b", QoS::at_most_once}});
}

TEST_CASE("A SUBACK lists one return code per filter, failure included") {
    const auto suback = packet_as<Suback>(decode_one(bytes({
        0x90,        // fixed header: SUBACK
        0x05,        // remaining length: 5
        0x00, 0x0A,  // packet identifier 10
        0x01,        // granted QoS 1
        0x80,        // failure
        0x00,        // granted QoS 0
    })));
    CHECK(suback.packet_id == 10);
    CHECK(suback.reason_codes == std::vector<ReasonCode>{ReasonCode::granted_qos_1,
                                                         ReasonCode::unspecified_error,
                                                         ReasonCode::success});
}

TEST_CASE("An UNSUBSCRIBE lists its filters, shared subscriptions included") {
    const auto unsubscribe = packet_as<Unsubscribe>(decode_one(bytes({
        0xA2,        // fixed header: UNSUBSCRIBE, flags 0b0010
        0x13,        // remaining length: 19
        0x00, 0x02,  // packet identifier 2
        0x00, 0x0C, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'a', '/', '+',  // "$share/g/a/+"
        0x00, 0x01, 'x',                                                         // filter "x"
    })));
    CHECK(unsubscribe.packet_id == 2);
    CHECK(unsubscribe.filters == std::vector<std::string>{"$share/g/a/+", "x"});
}

TEST_CASE("PINGREQ, PINGRESP and DISCONNECT are two bytes each") {
    CHECK(std::holds_alternative<Pingreq>(std::get<Packet>(decode_one(bytes({0xC0, 0x00})))));
    CHECK(std::holds_alternative<Pingresp>(std::get<Packet>(decode_one(bytes({0xD0, 0x00})))));
    CHECK(std::holds_alternative<Disconnect>(std::get<Packet>(decode_one(bytes({0xE0, 0x00})))));
}

TEST_CASE("A packet fed one byte at a time is NeedMore until its last byte arrives") {
    Decoder decoder{test_max_packet_size};
    const auto& wire = connect_with_everything;
    for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
        feed(decoder, std::span(wire).subspan(i, 1));
        INFO("after byte " << i);
        REQUIRE(std::holds_alternative<NeedMore>(decoder.next()));
    }
    feed(decoder, std::span(wire).last(1));
    CHECK(packet_as<Connect>(decoder.next()).client_id == "dev1");
    CHECK(std::holds_alternative<NeedMore>(decoder.next()));
    CHECK(decoder.buffered() == 0);
}

TEST_CASE("A packet truncated at any byte is NeedMore, never an error") {
    const auto& wire = connect_with_everything;
    const auto cut = GENERATE_COPY(range<std::size_t>(0, connect_with_everything.size()));
    INFO("first " << cut << " bytes");
    CHECK(std::holds_alternative<NeedMore>(decode_one(std::span(wire).first(cut))));
}

TEST_CASE("Several packets in one buffer come out one per next(), in order") {
    Decoder decoder{test_max_packet_size};
    feed(decoder, concat({
                      bytes({0xC0, 0x00}),                        // PINGREQ
                      bytes({0x40, 0x02, 0x00, 0x09}),            // PUBACK 9
                      bytes({0x30, 0x04, 0x00, 0x01, 'x', 'y'}),  // PUBLISH "x", payload "y"
                      bytes({0xE0}),                              // the first byte of a DISCONNECT
                  }));
    CHECK(std::holds_alternative<Pingreq>(std::get<Packet>(decoder.next())));
    CHECK(decoder.buffered() == 11);
    CHECK(packet_as<Puback>(decoder.next()).packet_id == 9);
    CHECK(packet_as<Publish>(decoder.next()).payload == bytes("y"));
    CHECK(std::holds_alternative<NeedMore>(decoder.next()));
    CHECK(decoder.buffered() == 1);
    feed(decoder, bytes({0x00}));
    CHECK(std::holds_alternative<Disconnect>(std::get<Packet>(decoder.next())));
}

TEST_CASE("A large packet split across many commits decodes once whole") {
    Publish sent;
    sent.topic = "big";
    sent.payload.assign(100'000, std::byte{0x5A});
    const auto wire = concat({
        bytes({0x30,                         // fixed header: PUBLISH, QoS 0
               0xA5, 0x8D, 0x06,             // remaining length: 100,005 in three bytes
               0x00, 0x03, 'b', 'i', 'g'}),  // topic name "big"
        sent.payload,
    });
    Decoder decoder{test_max_packet_size};
    std::size_t offset = 0;
    for (const std::size_t chunk : {1, 2, 1, 500, 4096, 4096}) {
        feed(decoder, std::span(wire).subspan(offset, chunk));
        offset += chunk;
        REQUIRE(std::holds_alternative<NeedMore>(decoder.next()));
    }
    while (offset < wire.size()) {
        const auto chunk = std::min<std::size_t>(7919, wire.size() - offset);
        CHECK(std::holds_alternative<NeedMore>(decoder.next()));
        feed(decoder, std::span(wire).subspan(offset, chunk));
        offset += chunk;
    }
    CHECK(packet_as<Publish>(decoder.next()) == sent);
}

TEST_CASE("Unconsumed bytes survive the buffer being compacted by prepare()") {
    Decoder decoder{test_max_packet_size};
    const auto pingreq = bytes({0xC0, 0x00});
    for (int round = 0; round < 1000; ++round) {
        // Each round leaves half a PINGREQ behind, then completes it with the next feed.
        feed(decoder, round == 0 ? std::vector<std::byte>{pingreq[0]}
                                 : concat({bytes({0x00}), bytes({0xC0})}));
        if (round > 0) REQUIRE(std::holds_alternative<Pingreq>(std::get<Packet>(decoder.next())));
        REQUIRE(std::holds_alternative<NeedMore>(decoder.next()));
        REQUIRE(decoder.buffered() == 1);
    }
}

TEST_CASE("A decode error is final: next() keeps reporting it") {
    Decoder decoder{test_max_packet_size};
    feed(decoder, bytes({0xC1, 0x00, 0xC0, 0x00}));  // PINGREQ with flags 0b0001, then a good one
    CHECK(error_of(decoder.next()) == ReasonCode::malformed_packet);
    CHECK(error_of(decoder.next()) == ReasonCode::malformed_packet);
}
