"""A bare TLS client for the tests that speak HTTP (and WebSocket) by hand: connect, read one
HTTP/1.1 response, wait for the server to close. Standard library only."""
import json
import socket
import ssl


def connect(host, port, ca_file, alpn=None, cert_and_key=None):
    context = ssl.create_default_context(cafile=ca_file)
    if cert_and_key:
        context.load_cert_chain(*cert_and_key)
    if alpn:
        context.set_alpn_protocols(alpn)
    raw = socket.create_connection((host, port), timeout=10)
    return context.wrap_socket(raw, server_hostname="localhost")


def read_response(s):
    """(status, headers, body) of one HTTP/1.1 response: headers lower-cased, the body as JSON."""
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


def closed_by_server(s, within=30.0):
    """Whether the server ends the connection (close, reset or TLS error) within `within` s."""
    s.settimeout(within)
    try:
        while s.recv(4096):
            pass
        return True
    except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
