"""Hostile MQTT clients for hostile_clients.test.sh; each must be dropped promptly (MQTT 5 ones
after the CONNACK or DISCONNECT that says why) while an honest client on another connection still
gets CONNACK. Standard library only."""
import socket
import ssl
import sys
import time

host, port, ca_file, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def tls_connection():
    context = ssl.create_default_context(cafile=ca_file)
    context.load_cert_chain(cert, key)
    raw = socket.create_connection((host, port), timeout=10)
    return context.wrap_socket(raw, server_hostname=host)


def connect_packet(client_id):
    name = client_id.encode()
    variable = b"\x00\x04MQTT\x04\x02\x00\x3c"  # protocol, level 4, clean session, keep-alive 60
    payload = len(name).to_bytes(2, "big") + name
    body = variable + payload
    return bytes([0x10, len(body)]) + body


def honest_client_connects(client_id):
    with tls_connection() as s:
        s.sendall(connect_packet(client_id))
        connack = s.recv(4)
        assert connack == b"\x20\x02\x00\x00", f"honest client got {connack!r}"


def closed_by_server(s, within=10.0):
    """True when the server closes the connection within `within` seconds."""
    s.settimeout(within)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


# 1. Handshakes that never start (slow loris) hold no one up.
loris = [socket.create_connection((host, port), timeout=10) for _ in range(20)]
honest_client_connects("honest-during-loris")

# 2. Garbage after TLS.
s = tls_connection()
s.sendall(b"\xff" * 64)
assert closed_by_server(s), "garbage after TLS was not dropped"
s.close()

# 3. A PUBLISH claiming a 256 MB remaining length, after a good CONNECT.
s = tls_connection()
s.sendall(connect_packet("huge"))
assert s.recv(4) == b"\x20\x02\x00\x00"
started = time.monotonic()
s.sendall(b"\x30\xff\xff\xff\x7f" + b"\x00" * 1024)
assert closed_by_server(s), "a 256 MB remaining length was not dropped"
assert time.monotonic() - started < 5, "the oversized packet was not refused promptly"
s.close()

# 4. PUBLISH before CONNECT.
s = tls_connection()
s.sendall(b"\x30\x05\x00\x01a\x68\x69")
assert closed_by_server(s), "PUBLISH before CONNECT was not dropped"
s.close()

# 5. Plain text on the TLS port.
raw = socket.create_connection((host, port), timeout=10)
raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
assert closed_by_server(raw), "plain text on the TLS port was not dropped"
raw.close()

# 6. MQTT 5: broken properties, an unsupported level, and packets AWS refuses. Each gets the
#    reason code AWS's CONNACK or DISCONNECT carries, then the connection is closed.
def v5_connect(properties=b"", client_id=b"v5"):
    variable = b"\x00\x04MQTT\x05\x02\x00\x3c" + bytes([len(properties)]) + properties
    body = variable + len(client_id).to_bytes(2, "big") + client_id
    return bytes([0x10, len(body)]) + body


def refused_connect(packet, what):
    """The CONNACK the server answers `packet` with, before it closes the connection."""
    s = tls_connection()
    s.sendall(packet)
    s.settimeout(10)
    answer = s.recv(4096)
    assert closed_by_server(s), f"{what}: the connection stayed open"
    s.close()
    return answer


for what, properties, code in [("a property given twice", b"\x11\0\0\0\x01\x11\0\0\0\x02", 0x82),
                               ("an unknown property", b"\x7f\x00", 0x81),
                               ("Receive Maximum 0", b"\x21\x00\x00", 0x82)]:
    answer = refused_connect(v5_connect(properties), what)
    assert answer[:1] == b"\x20" and answer[3] == code, f"{what}: CONNACK {answer!r}, want {code:#x}"
# A level nobody speaks gets 3.1.1's CONNACK 0x01, which every client can read.
answer = refused_connect(b"\x10\x0d\x00\x04MQTT\x06\x02\x00\x00\x00\x00\x00", "level 6")
assert answer == b"\x20\x02\x00\x01", f"protocol level 6: got {answer!r}"
for what, packet, code in [
    ("topic alias 0", b"\x30\x08\x00\x01t\x03\x23\x00\x00p", 0x94),
    ("topic alias 9", b"\x30\x08\x00\x01t\x03\x23\x00\x09p", 0x94),
    ("a subscription identifier", b"\x82\x09\x00\x01\x02\x0b\x01\x00\x01t\x00", 0xA1),
    ("AUTH", b"\xf0\x00", 0x82),
    ("PUBLISH QoS 2", b"\x34\x07\x00\x01t\x00\x01\x00p", 0x9B),
    ("a property length past the packet", b"\x30\x05\x00\x01t\x7fp", 0x81),
]:
    s = tls_connection()
    s.sendall(v5_connect(client_id=b"v5-hostile"))
    s.settimeout(10)
    connack = s.recv(4096)
    assert connack[:1] == b"\x20" and connack[3:4] == b"\x00", f"{what}: CONNACK {connack!r}"
    s.sendall(packet)
    answer = s.recv(4096)
    assert answer[:1] == b"\xe0" and answer[2] == code, f"{what}: got {answer!r}, want DISCONNECT {code:#x}"
    assert closed_by_server(s), f"{what}: the connection stayed open"
    s.close()
honest_client_connects("honest-after-v5")

# 7. A CONNECT that never comes after the handshake is dropped by the connect timeout; the
#    honest client is served meanwhile.
idle = tls_connection()
honest_client_connects("honest-during-idle")
for s in loris:
    s.close()
idle.close()
print("hostile client checks passed")
