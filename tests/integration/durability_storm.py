"""Devices for durability_restart.test.sh, as paho-mqtt (MQTT 3.1.1 over mutual TLS) clients with
certificates made here by `cryptography`, signed by the test's JITR CA.

    durability_storm.py mint DIR CA_PEM CA_KEY COUNT     dev-<i>.crt (certificate + CA) / .key
    durability_storm.py storm DIR HOST PORT CAFILE FIRST END    devices FIRST..END-1 connect once
                                                                 each, all at once (JITR)
    durability_storm.py storm-and-kill DIR HOST PORT CAFILE FIRST END API CA_ID PID OUT
        devices FIRST.. connect one by one; once two were dropped (registered), OUT gets what
        ListCertificatesByCA answers ("<id> <status>" lines) and the emulator (PID) gets SIGKILL
        at once; the devices after them connect to nothing
    durability_storm.py onboard DIR HOST PORT CAFILE COUNT SECONDS
        each device reconnects until it is let in, then publishes dt/<name>/hello at QoS 1 and
        waits for the PUBACK; exits 1 naming the devices that did not get through in time"""
import datetime
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.request

import paho.mqtt.client as mqtt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def name(i):
    return f"durable-device-{i}"


def mint(directory, ca_pem, ca_key, count):
    ca_bytes = open(ca_pem, "rb").read()
    ca = x509.load_pem_x509_certificate(ca_bytes)
    signer = serialization.load_pem_private_key(open(ca_key, "rb").read(), None)
    now = datetime.datetime.now(datetime.timezone.utc)
    for i in range(count):
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (x509.CertificateBuilder()
                       .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name(i))]))
                       .issuer_name(ca.subject).public_key(key.public_key())
                       .serial_number(x509.random_serial_number())
                       .not_valid_before(now - datetime.timedelta(minutes=5))
                       .not_valid_after(now + datetime.timedelta(days=30))
                       .sign(signer, hashes.SHA256()))
        with open(os.path.join(directory, name(i) + ".crt"), "wb") as out:
            out.write(certificate.public_bytes(serialization.Encoding.PEM) + ca_bytes)
        with open(os.path.join(directory, name(i) + ".key"), "wb") as out:
            out.write(key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption()))


def attempt(directory, host, port, cafile, i, publish):
    """One connection of device i: True once it published and got the PUBACK."""
    client = mqtt.Client(client_id=name(i), protocol=mqtt.MQTTv311)
    client.tls_set(ca_certs=cafile, certfile=os.path.join(directory, name(i) + ".crt"),
                   keyfile=os.path.join(directory, name(i) + ".key"),
                   tls_version=ssl.PROTOCOL_TLS_CLIENT)
    state = {"connected": False, "gone": False, "acked": False}
    client.on_connect = lambda c, u, f, rc: state.update(connected=rc == 0, gone=rc != 0)
    client.on_disconnect = lambda c, u, rc: state.update(gone=True)
    client.on_publish = lambda c, u, mid: state.update(acked=True)
    try:
        client.connect(host, port, keepalive=30)
        deadline = time.monotonic() + 10
        while not state["gone"] and not state["connected"] and time.monotonic() < deadline:
            client.loop(timeout=0.1)
        if not state["connected"] or not publish:
            return False
        client.publish(f"dt/{name(i)}/hello", f"hello from {name(i)}", qos=1)
        while not state["gone"] and not state["acked"] and time.monotonic() < deadline:
            client.loop(timeout=0.1)
        acked = state["acked"]
        client.disconnect()
        return acked
    except (OSError, ssl.SSLError):
        return False


def storm(directory, host, port, cafile, first, end):
    threads = [threading.Thread(target=attempt, args=(directory, host, port, cafile, i, False))
               for i in range(first, end)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def storm_and_kill(directory, host, port, cafile, first, end, api, ca_id, pid, out):
    for registered, i in enumerate(range(first, end), start=1):
        attempt(directory, host, port, cafile, i, False)
        if registered == 2:
            with urllib.request.urlopen(f"{api}/certificates-by-ca/{ca_id}?pageSize=250") as answer:
                listed = json.load(answer)["certificates"]
            os.kill(pid, signal.SIGKILL)
            with open(out, "w") as file:
                file.writelines(f"{c['certificateId']} {c['status']}\n" for c in listed)


def onboard(directory, host, port, cafile, count, seconds):
    deadline = time.monotonic() + seconds
    waiting = set(range(count))
    while waiting and time.monotonic() < deadline:
        for i in sorted(waiting):
            if attempt(directory, host, port, cafile, i, True):
                waiting.discard(i)
        if waiting:
            time.sleep(0.2)  # the rule's handler activates the certificates meanwhile
    if waiting:
        print("not onboarded:", ", ".join(name(i) for i in sorted(waiting)))
        sys.exit(1)
    print(f"onboarded {count} devices")


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "mint":
        mint(args[0], args[1], args[2], int(args[3]))
    elif mode == "storm":
        storm(args[0], args[1], int(args[2]), args[3], int(args[4]), int(args[5]))
    elif mode == "storm-and-kill":
        storm_and_kill(args[0], args[1], int(args[2]), args[3], int(args[4]), int(args[5]),
                       args[6], args[7], int(args[8]), args[9])
    elif mode == "onboard":
        onboard(args[0], args[1], int(args[2]), args[3], int(args[4]), float(args[5]))
