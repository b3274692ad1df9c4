"""Hostile HTTP requests for bounds_http.test.sh, on the API port (plain) or the HTTPS data plane
(mutual TLS): each must be refused with 400 (or the connection closed) without the body limit
being bypassed. Standard library only.

    bounds_http.py HOST PORT [CA CERT KEY]"""
import socket
import ssl
import sys

host, port = sys.argv[1], int(sys.argv[2])
tls = sys.argv[3:6]


def connection():
    raw = socket.create_connection((host, port), timeout=20)
    if not tls:
        return raw
    context = ssl.create_default_context(cafile=tls[0])
    context.load_cert_chain(tls[1], tls[2])
    return context.wrap_socket(raw, server_hostname="localhost")


def answer_to(parts):
    """Sends the parts (stopping when the server closes) and returns the status line, or '' when
    the server closed without one."""
    s = connection()
    try:
        for part in parts:
            s.sendall(part)
    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
        pass
    s.settimeout(20)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, ssl.SSLError):
        pass
    s.close()
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


def chunked(target):
    return (f"POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()


def refused(status, what):
    assert status == "" or status.startswith("HTTP/1.1 400"), f"{what}: answered {status!r}"


target = "/topics/bounds/http?qos=0" if tls else "/things/probe-thing"
# A 66,000-byte trailer after the last chunk.
refused(answer_to([chunked(target), b"2\r\n{}\r\n0\r\n", b"X-Trailer: " + b"t" * 66000 + b"\r\n\r\n"]),
        "a 66,000-byte trailer")
# A 64 MiB chunk extension, in 1 MiB pieces: refused long before it is all sent.
extension = [b"1;ext=", *([b"e" * (1 << 20)] * 64), b"\r\n{\r\n0\r\n\r\n"]
refused(answer_to([chunked(target), *extension]), "a 64 MiB chunk extension")
# 100 KB of headers.
refused(answer_to([f"GET {target} HTTP/1.1\r\nHost: {host}\r\n".encode(),
                   b"X-Big: " + b"h" * 100000 + b"\r\n\r\n"]), "100 KB of headers")
# Chunked data past the body limit: 413 in the route's shape, however it is chunked.
status = answer_to([chunked(target), *([b"100000\r\n" + b"x" * 0x100000 + b"\r\n"] * 3), b"0\r\n\r\n"])
assert status == "" or status.startswith("HTTP/1.1 413"), f"3 MiB chunked body: {status!r}"
print("PASS")
