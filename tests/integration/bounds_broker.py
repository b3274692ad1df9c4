"""Broker bounds for bounds_broker.test.sh, with raw MQTT 3.1.1 over mutual TLS (standard library
only): 50 subscriptions per connection, and offline queues bounded per session.

    bounds_broker.py subscriptions HOST PORT CA CERT KEY
    bounds_broker.py park HOST PORT CA CERT KEY       three persistent sessions subscribe, leave
    bounds_broker.py flood HOST PORT CA CERT KEY      1200 QoS 1 messages of 64 KiB to them
    bounds_broker.py collect HOST PORT CA CERT KEY    one session takes what was kept for it"""
import socket
import ssl
import sys

mode, host, port, ca, cert, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:7]
PAYLOAD = 64 * 1024
MESSAGES = 1200


def varint(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(kind, body):
    return bytes([kind]) + varint(len(body)) + body


def text(s):
    return len(s.encode()).to_bytes(2, "big") + s.encode()


class Client:
    def __init__(self, client_id, clean=True):
        context = ssl.create_default_context(cafile=ca)
        context.load_cert_chain(cert, key)
        raw = socket.create_connection((host, port), timeout=20)
        self.s = context.wrap_socket(raw, server_hostname="localhost")
        self.buffer = b""
        flags = 0x02 if clean else 0x00
        self.s.sendall(packet(0x10, b"\x00\x04MQTT\x04" + bytes([flags]) + b"\x00\x3c" + text(client_id)))
        kind, body = self.read()
        assert kind == 0x20 and body[1] == 0, f"CONNACK {body!r}"

    def read(self):
        """The next packet as (first byte, body)."""
        while True:
            if len(self.buffer) >= 2:
                length, shift, i = 0, 0, 1
                while i < len(self.buffer):
                    length += (self.buffer[i] & 0x7F) << shift
                    shift += 7
                    i += 1
                    if not self.buffer[i - 1] & 0x80:
                        if len(self.buffer) >= i + length:
                            kind, body = self.buffer[0], self.buffer[i:i + length]
                            self.buffer = self.buffer[i + length:]
                            return kind, body
                        break
            data = self.s.recv(1 << 16)
            assert data, "the server closed the connection"
            self.buffer += data

    def subscribe(self, packet_id, filters):
        body = packet_id.to_bytes(2, "big") + b"".join(text(f) + b"\x01" for f in filters)
        self.s.sendall(packet(0x82, body))
        kind, body = self.read()
        assert kind == 0x90, f"expected SUBACK, got {kind:#x}"
        return list(body[2:])

    def publish(self, packet_id, topic, payload):
        self.s.sendall(packet(0x32, text(topic) + packet_id.to_bytes(2, "big") + payload))
        kind, body = self.read()
        assert kind == 0x40, f"expected PUBACK, got {kind:#x}"

    def receive(self):
        """The next PUBLISH's payload, acknowledged."""
        while True:
            kind, body = self.read()
            if kind >> 4 != 3:
                continue
            topic_length = int.from_bytes(body[:2], "big")
            at = 2 + topic_length
            if kind & 0x06:
                self.s.sendall(packet(0x40, body[at:at + 2]))
                at += 2
            return body[at:]

    def close(self):
        self.s.sendall(b"\xe0\x00")
        self.s.close()


if mode == "subscriptions":
    client = Client("many-filters")
    codes = []
    for batch in range(8):  # 64 filters, 8 per SUBSCRIBE
        codes += client.subscribe(batch + 1, [f"many/{batch}/{i}" for i in range(8)])
    assert codes.count(1) == 50 and codes[50:] == [0x80] * 14, f"SUBACK codes {codes}"
    # Granted again, not a new one: its options are replaced.
    assert client.subscribe(20, ["many/0/0"]) == [1]
    # The connection still works: a granted filter gets its message.
    client.publish(21, "many/3/3", b"still here")
    assert client.receive() == b"still here"
    client.close()
elif mode == "park":
    for name in ("parked-1", "parked-2", "parked-3"):
        client = Client(name, clean=False)
        assert client.subscribe(1, ["parked/#"]) == [1]
        client.close()
elif mode == "flood":
    publisher = Client("flooder")
    for n in range(MESSAGES):
        publisher.publish(n % 60000 + 1, "parked/x", n.to_bytes(4, "big") + b"p" * (PAYLOAD - 4))
    publisher.close()
elif mode == "collect":
    client = Client("parked-1", clean=False)
    # 8 MiB per session holds 127 of them (topic and payload): the newest.
    first = int.from_bytes(client.receive()[:4], "big")
    assert first == MESSAGES - 127, f"the oldest kept message is #{first}"
    for expected in range(first + 1, MESSAGES):
        seq = int.from_bytes(client.receive()[:4], "big")
        assert seq == expected, f"got #{seq}, expected #{expected}"
    client.close()
print("PASS")
