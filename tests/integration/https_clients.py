"""HTTPS data-plane clients for https_bad_input.test.sh that curl cannot be: ALPN x-amzn-http-ca
on the 443-style port, a slow-loris request, garbage after the handshake. Standard library only.
Usage: https_clients.py HOST HTTPS_PORT ALPN_PORT SERVER_CA CERT KEY"""
import ssl
import sys
import time

from tls_client import closed_by_server, connect, read_response

host, https_port, alpn_port, ca_file, cert, key = sys.argv[1:7]
https_port, alpn_port = int(https_port), int(alpn_port)


def tls(port, alpn=None, client_cert=True):
    return connect(host, port, ca_file, alpn, (cert, key) if client_cert else None)


def publish(s, topic, payload=b"{}"):
    s.sendall(b"POST /topics/" + topic.encode() + b"?qos=1 HTTP/1.1\r\nHost: localhost\r\n"
              b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload)
    return read_response(s)


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
