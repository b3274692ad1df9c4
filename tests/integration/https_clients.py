"""HTTPS data-plane clients for https_bad_input.test.sh that curl cannot be: ALPN x-amzn-http-ca
on the 443-style port, a slow-loris request, garbage after the handshake. Standard library only.
Usage: https_clients.py HOST HTTPS_PORT ALPN_PORT SERVER_CA CERT KEY"""
import json
import socket
import ssl
import sys
import time

host, https_port, alpn_port, ca_file, cert, key = sys.argv[1:7]
https_port, alpn_port = int(https_port), int(alpn_port)


def tls(port, alpn=None, client_cert=True):
    context = ssl.create_default_context(cafile=ca_file)
    if client_cert:
        context.load_cert_chain(cert, key)
    if alpn:
        context.set_alpn_protocols(alpn)
    raw = socket.create_connection((host, port), timeout=10)
    return context.wrap_socket(raw, server_hostname="localhost")


def read_response(s):
    """(status, headers, body) of one HTTP/1.1 response with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        body += s.recv(4096)
    return status, headers, json.loads(body) if body else None


def publish(s, topic, payload=b"{}"):
    s.sendall(b"POST /topics/" + topic.encode() + b"?qos=1 HTTP/1.1\r\nHost: localhost\r\n"
              b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload)
    return read_response(s)


def closed_by_server(s, within=30.0):
    s.settimeout(within)
    try:
        while s.recv(4096):
            pass
        return True
    except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


# 1. ALPN x-amzn-http-ca on the 443-style listener is the HTTPS data plane, keep-alive included.
with tls(alpn_port, ["x-amzn-http-ca"]) as s:
    assert s.selected_alpn_protocol() == "x-amzn-http-ca", s.selected_alpn_protocol()
    for _ in range(2):
        status, headers, body = publish(s, "alpn/http")
        assert status == 200, (status, body)
        assert body == {"message": "OK", "traceId": headers["x-amzn-requestid"]}, body

# 2. A client offering only protocols AWS's 443 does not serve is refused in the handshake
#    (http/1.1 is served: HTTPS and MQTT over WebSocket, docs/aws/data-plane.md §2.1).
try:
    tls(alpn_port, ["h2", "spdy/3"]).close()
    raise AssertionError("the ALPN listener accepted ALPN h2")
except ssl.SSLError:
    pass
with tls(alpn_port, ["h2", "http/1.1"]) as s:
    assert s.selected_alpn_protocol() == "http/1.1", s.selected_alpn_protocol()

# 3. A slow loris holds the request open byte by byte; others are served meanwhile, and it is
#    dropped once the request deadline passes.
loris = tls(https_port)
loris.sendall(b"POST /topics/slow HTTP/1.1\r\nHost: localhost\r\n")
started = time.monotonic()
for i in range(3):
    loris.sendall(b"X-Slow: %d\r\n" % i)
    with tls(https_port) as s:
        status, _, body = publish(s, "during/loris")
        assert status == 200, (status, body)
    time.sleep(0.2)
assert closed_by_server(loris), "the slow loris was never dropped"
elapsed = time.monotonic() - started
assert elapsed < 30, f"the slow loris was dropped only after {elapsed:.0f} s"
loris.close()

# 4. Garbage after the handshake earns AWS's error shape and a closed connection.
with tls(https_port) as s:
    s.sendall(b"\x00\x01 not http at all\r\n\r\n")
    status, headers, body = read_response(s)
    assert status == 400 and headers["x-amzn-errortype"] == "InvalidRequestException", (status, body)
    assert closed_by_server(s, 5), "the connection stayed open after garbage"

print("https client checks passed")
