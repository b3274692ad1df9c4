"""MQTT over WebSocket opened by hand, for mqtt_websocket.test.sh: what AWS answers to a `GET /mqtt`
without one of the X-Amz-* query parameters (403 ForbiddenException), with no subprotocol of
MQTT's (400), without the upgrade (400; 403 when unsigned), and what happens after a granted
upgrade to garbage (the connection is closed) and to a well-formed CONNECT in a binary frame
(CONNACK), ended by a WebSocket Close frame. On the HTTPS port and the 443-style port with ALPN http/1.1. Standard library only.
Usage: websocket_bad_input.py HOST HTTPS_PORT ALPN_PORT SERVER_CA"""
import base64
import os
import sys
import time

from tls_client import closed_by_server, connect, read_response

host, https_port, alpn_port, ca_file = sys.argv[1:5]
https_port, alpn_port = int(https_port), int(alpn_port)

# The shape aws-crt's signer sends (docs/aws/data-plane.md §2.2); the signature is not verified.
day = time.strftime("%Y%m%d", time.gmtime())
PRESIGNED = {
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": f"test%2F{day}%2Fus-east-1%2Fiotdevicegateway%2Faws4_request",
    "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
    "X-Amz-SignedHeaders": "host",
    "X-Amz-Signature": "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
}
HANDSHAKE = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
    "Sec-WebSocket-Protocol": "mqtt",
}


def tls(port, alpn=None):
    return connect(host, port, ca_file, alpn)


def get_mqtt(s, query=PRESIGNED, headers=HANDSHAKE):
    target = "/mqtt" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}"] + [f"{k}: {v}" for k, v in headers.items()]
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return read_response(s)


def expect_refusal(answer, status, error, what):
    got_status, headers, body = answer
    assert got_status == status, f"{what}: status {got_status}, expected {status}"
    assert headers.get("x-amzn-errortype", "").startswith(error), f"{what}: {headers}"
    assert body and body.get("message") and body.get("traceId") == headers["x-amzn-requestid"], \
        f"{what}: body {body}"


def frame(payload, mask=True, opcode=0x2):
    """One WebSocket frame (binary unless told) as a client sends it (masked), or unmasked."""
    header = bytes([0x80 | opcode, (0x80 if mask else 0) | len(payload)])
    if not mask:
        return header + payload
    key = os.urandom(4)
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def upgraded(port, alpn=None):
    s = tls(port, alpn)
    status, headers, _ = get_mqtt(s)
    assert status == 101, f"upgrade answered {status}"
    assert headers.get("sec-websocket-protocol") == "mqtt", headers
    return s


# 1. Each X-Amz-* parameter missing: 403 ForbiddenException, nothing upgraded.
for name in PRESIGNED:
    with tls(https_port) as s:
        query = {k: v for k, v in PRESIGNED.items() if k != name}
        expect_refusal(get_mqtt(s, query), 403, "ForbiddenException", f"without {name}")
# A malformed one too: the credential's service is not the device gateway's.
with tls(https_port) as s:
    query = dict(PRESIGNED, **{"X-Amz-Credential": f"test%2F{day}%2Fus-east-1%2Fs3%2Faws4_request"})
    expect_refusal(get_mqtt(s, query), 403, "ForbiddenException", "signed for s3")

# 2. No subprotocol of MQTT's offered: 400.
with tls(https_port) as s:
    expect_refusal(get_mqtt(s, headers=dict(HANDSHAKE, **{"Sec-WebSocket-Protocol": "chat"})), 400,
                   "InvalidRequestException", "subprotocol chat")

# 3. GET /mqtt that is no upgrade: 400 when signed, 403 when not; the connection serves on.
with tls(https_port) as s:
    expect_refusal(get_mqtt(s, headers={}), 400, "InvalidRequestException", "no upgrade")
    expect_refusal(get_mqtt(s, query={}, headers={}), 403, "ForbiddenException", "unsigned")

# 4. A well-formed CONNECT (MQTT 3.1.1, client id "ws-raw") in a binary frame: CONNACK accepted,
# in a binary frame; on the 443-style port with ALPN http/1.1. Then a WebSocket Close frame
# (status 1000) instead of DISCONNECT: the client's own disconnect, for the lifecycle event.
connect_packet = bytes([0x10, 18, 0, 4]) + b"MQTT" + bytes([4, 0x02, 0, 60, 0, 6]) + b"ws-raw"
with upgraded(alpn_port, ["http/1.1"]) as s:
    assert s.selected_alpn_protocol() == "http/1.1", s.selected_alpn_protocol()
    s.sendall(frame(connect_packet))
    reply = b""
    while len(reply) < 6:
        chunk = s.recv(4096)
        assert chunk, f"closed before CONNACK: {reply!r}"
        reply += chunk
    assert reply[:6] == bytes([0x82, 4, 0x20, 2, 0, 0]), f"not a CONNACK frame: {reply!r}"
    s.sendall(frame(bytes([0x03, 0xE8]), opcode=0x8))
    assert closed_by_server(s), "still open after a Close frame"

# 5. Garbage after the upgrade: an unmasked frame (a WebSocket protocol error), then a masked
# frame carrying no MQTT packet: each connection is closed.
with upgraded(https_port) as s:
    s.sendall(frame(b"\x10\x00", mask=False))
    assert closed_by_server(s), "an unmasked frame was not refused"
with upgraded(https_port) as s:
    s.sendall(frame(bytes([0xF0, 0x03, 1, 2, 3])))
    assert closed_by_server(s), "a reserved MQTT packet type was not refused"
with upgraded(https_port) as s:
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # 'G': reserved bits set, no frame
    assert closed_by_server(s), "text that is no frame was not refused"
print("websocket bad input: all answered")
