"""Hostile MQTT clients for hostile_clients.test.sh; each must be dropped promptly while an
honest client on another connection still gets CONNACK. Standard library only."""
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

# 6. A CONNECT that never comes after the handshake is dropped by the connect timeout; the
#    honest client is served meanwhile.
idle = tls_connection()
honest_client_connects("honest-during-idle")
for s in loris:
    s.close()
idle.close()
print("hostile client checks passed")
