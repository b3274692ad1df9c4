#!/usr/bin/env python3
"""An onboarding storm: N devices with fresh certificates come online at once, each retrying with
back-off until it is connected, then publishing once at QoS 1. Devices per second, and per device
the time from its first connect to its first PUBACK (p50, p99), for a cold emulator (its first
storm: no Lambda process started, nothing cached) and a warm one (a second storm of N new devices
on the same emulator), against the machine's raw limit measured by the same script on the same
emulator: two full mutual-TLS connects per device (see --help and bench/README.md).

Modes (--mode, comma-separated; default all three, each on a fresh emulator):
  jitr   a CA with auto-registration, a topic rule on $aws/events/certificates/registered/<caId>
         and the workshop's Python/boto3 Lambda (fixtures/handlers/jitr_workshop_python), which
         makes a thing, activates the certificate and attaches a policy. The first connect is
         dropped; the device retries until the handler has done its work.
  jitp   a CA carrying the workshop's provisioning template (fixtures/jitp/). The first connect
         is dropped (the thing, policy and ACTIVE certificate exist by then); the retry succeeds.
  fleet  fleet provisioning by claim (fixtures/fleet/): each device connects with the claim
         certificate, asks for a certificate (CreateCertificateFromCsr, or with
         --fleet-api keys CreateKeysAndCertificate), calls RegisterThing, disconnects, then
         connects with its own certificate.

Devices are driven by a pool of --concurrency threads over Python's ssl and a minimal MQTT 3.1.1
client (CONNECT, SUBSCRIBE, PUBLISH at QoS 1): no MQTT library, so the client spends its CPU on
TLS, which it shares with the emulator on this 2-core machine. A device waiting out its back-off
holds no thread. Certificates (and fleet CSRs) are made before the clock starts; their RSA-2048
keys come from a pool of --key-pool keys, since making keys is not what is measured.

Usage: bench/storm.py [EMULATOR_BINARY] [--devices N] [--mode jitr,jitp,fleet] [--concurrency C]
                      [--backoff S] [--backoff-max S] [--raw-seconds S] [--fleet-api csr|keys]
                      [--json FILE]
Needs what the test suite needs (boto3 and cryptography in python3, scripts/setup's Lambda
runtime for jitr)."""
import argparse
import datetime
import heapq
import io
import json
import os
import random
import resource
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.request
import zipfile

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

sys.dont_write_bytecode = True  # no __pycache__ in bench/ for the two modules below
from jitp_latency import POLICY as JITP_POLICY  # noqa: E402
from jitp_latency import workshop_template  # noqa: E402
from onboarding import ROOT, Pki, running_emulator  # noqa: E402

HANDLER = os.path.join(ROOT, "fixtures", "handlers", "jitr_workshop_python")
FLEET = os.path.join(ROOT, "fixtures", "fleet")
FLEET_TEMPLATE = "FleetTemplate"
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]})


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", nargs="?", default=os.path.join(ROOT, "build", "iot-emulator"))
    parser.add_argument("--devices", type=int, default=1000, help="devices per storm (1000)")
    parser.add_argument("--mode", default="jitr,jitp,fleet", help="jitr, jitp, fleet, or a list")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="connection attempts in flight at once (32)")
    parser.add_argument("--backoff", type=float, default=0.25,
                        help="first retry delay in seconds, doubled per retry, jittered (0.25)")
    parser.add_argument("--backoff-max", type=float, default=4.0, help="retry delay cap (4)")
    parser.add_argument("--give-up", type=float, default=300.0,
                        help="a device not through this many seconds after its first connect "
                             "counts as failed (300)")
    parser.add_argument("--raw-seconds", type=float, default=5.0,
                        help="length of the raw-limit measurement (5)")
    parser.add_argument("--fleet-api", choices=("csr", "keys"), default="csr",
                        help="CreateCertificateFromCsr (csr) or CreateKeysAndCertificate (keys)")
    parser.add_argument("--key-pool", type=int, default=8, help="RSA-2048 device keys (8)")
    parser.add_argument("--json", help="also write the results as JSON to this file")
    args = parser.parse_args()
    args.modes = [m for m in args.mode.split(",") if m]
    for mode in args.modes:
        if mode not in ("jitr", "jitp", "fleet"):
            parser.error(f"unknown mode {mode}")
    return args


# ---- a minimal MQTT 3.1.1 client over a blocking TLS socket ---------------------------------

CONNACK, PUBLISH, PUBACK, SUBACK = 2, 3, 4, 9


class Refused(Exception):
    """The broker refused or dropped the connection (an expected outcome during a storm)."""


def _length(n):
    out = bytearray()
    while True:
        n, digit = divmod(n, 128)
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def _packet(first_byte, body):
    return bytes([first_byte]) + _length(len(body)) + body


class Mqtt:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()
        self.next_id = 1
        self.pending = []  # PUBLISH bodies read while waiting for something else

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except (OSError, ssl.SSLError) as error:
            raise Refused(f"read: {error}") from None
        if not data:
            raise Refused("closed by the broker")
        self.buffer += data

    def read(self):
        """(packet type, body) of the next packet."""
        while True:
            multiplier, length, i = 1, 0, 1
            while i < len(self.buffer):
                length += (self.buffer[i] & 0x7F) * multiplier
                multiplier *= 128
                if not self.buffer[i] & 0x80:
                    break
                i += 1
            else:
                self._fill()
                continue
            end = i + 1 + length
            if len(self.buffer) < end:
                self._fill()
                continue
            kind, body = self.buffer[0] >> 4, bytes(self.buffer[i + 1:end])
            del self.buffer[:end]
            return kind, body

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as error:
            raise Refused(f"write: {error}") from None

    def _packet_id(self):
        packet_id, self.next_id = self.next_id, self.next_id % 65535 + 1
        return packet_id

    def subscribe(self, filters):
        """Subscribes at QoS 0 (replies then need no PUBACK) and waits for the SUBACK."""
        packet_id = self._packet_id()
        self.send(_packet(0x82, struct.pack("!H", packet_id) +
                          b"".join(_string(f) + b"\x00" for f in filters)))
        self.wait_for(SUBACK, packet_id)

    def publish(self, topic, payload):
        """QoS 1; returns the packet id (see wait_for)."""
        packet_id = self._packet_id()
        self.send(_packet(0x32, _string(topic) + struct.pack("!H", packet_id) + payload))
        return packet_id

    def wait_for(self, kind, packet_id=None):
        """Body of the next packet of that kind (and packet id); a PUBLISH in between is kept."""
        while True:
            got, body = self.read()
            if got == kind and (packet_id is None or struct.unpack("!H", body[:2])[0] == packet_id):
                return body
            if got == PUBLISH:
                self.pending.append(body)

    def next_message(self):
        """(topic, payload) of the next PUBLISH received (QoS 0 subscriptions only)."""
        while not self.pending:
            got, body = self.read()
            if got == PUBLISH:
                self.pending.append(body)
        body = self.pending.pop(0)
        (length,) = struct.unpack("!H", body[:2])
        return body[2:2 + length].decode(), body[2 + length:]

    def close(self, disconnect=True):
        try:
            if disconnect:
                self.sock.sendall(b"\xe0\x00")
            self.sock.close()
        except OSError:
            pass


def mqtt_connect(target, context, client_id):
    """Full mutual-TLS handshake (never resumed), CONNECT, CONNACK 0; raises Refused otherwise."""
    try:
        raw = socket.create_connection((target["host"], target["port"]), timeout=15)
    except OSError as error:
        raise Refused(f"tcp: {error}") from None
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock = context.wrap_socket(raw, server_hostname=target["host"])
    except (OSError, ssl.SSLError) as error:
        raw.close()
        raise Refused(f"handshake: {error}") from None
    client = Mqtt(sock)
    try:
        client.send(_packet(0x10, _string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60) +
                            _string(client_id)))
        kind, body = client.read()
        if kind != CONNACK or body[1] != 0:
            raise Refused(f"CONNACK {body.hex()}")
    except Refused:
        client.close(disconnect=False)
        raise
    return client


def tls_context(target, certfile, keyfile):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(target["ca"])
    context.load_cert_chain(certfile, keyfile)
    return context


# ---- certificates ---------------------------------------------------------------------------

class Keys:
    """A pool of RSA-2048 device keys, each also in a PEM file for ssl's load_cert_chain."""

    def __init__(self, work, size):
        self.keys, self.files = [], []
        for i in range(size):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            path = f"{work}/pool-{i}.key"
            with open(path, "wb") as out:
                out.write(key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.TraditionalOpenSSL,
                                            serialization.NoEncryption()))
            self.keys.append(key)
            self.files.append(path)

    def pick(self, index):
        return self.keys[index % len(self.keys)], self.files[index % len(self.files)]


def load_ca(work, name):
    certificate = x509.load_pem_x509_certificate(open(f"{work}/{name}.pem", "rb").read())
    key = serialization.load_pem_private_key(open(f"{work}/{name}.key", "rb").read(), None)
    return certificate, key


def device_certificate(ca, key, name):
    """A certificate for /C=DE/CN=name issued by the CA (certificate, key), as PEM bytes."""
    ca_certificate, ca_key = ca
    now = time.time()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
                                 x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_utc(now - 3600))
        .not_valid_after(_utc(now + 5 * 86400))
        .sign(ca_key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


def _utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def csr_pem(key, name):
    request = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
               .sign(key, hashes.SHA256()))
    return request.public_bytes(serialization.Encoding.PEM).decode()


# ---- CPU accounting -------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root_pid):
    """utime+stime of a process and all its living descendants (the Lambda runtimes), seconds."""
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total = 0.0
    for pid in cpu:
        walk = pid
        while walk and walk != root_pid:
            walk = parents.get(walk)
        if walk == root_pid:
            total += cpu[pid]
    return total


def wait_until_idle(pid, limit=120.0):
    """Waits until the emulator and its Lambda processes use under 5% of a core for 0.5 s (a storm
    can leave retried registration events still being handled), at most `limit` seconds;
    returns the seconds waited."""
    started = time.monotonic()
    before = tree_cpu_seconds(pid)
    while time.monotonic() - started < limit:
        time.sleep(0.5)
        now = tree_cpu_seconds(pid)
        if now - before < 0.025:
            break
        before = now
    return time.monotonic() - started


def own_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Journal:
    """Counts the events the emulator's journal records while a storm runs, by kind (polled every
    second, as the journal keeps only its newest 10,000 events), and the Lambda invocations'
    durations."""

    def __init__(self, api_endpoint):
        self.api = api_endpoint
        self.cursor = self._get("/_emulator/journal/cursor")["cursor"]
        self.kinds, self.errors, self.milliseconds = {}, 0, 0.0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _get(self, path):
        with urllib.request.urlopen(self.api + path, timeout=30) as response:
            return json.load(response)

    def _poll(self):
        while True:
            page = self._get(f"/_emulator/journal?after={self.cursor}&limit=10000")
            for event in page["events"]:
                self.kinds[event["kind"]] = self.kinds.get(event["kind"], 0) + 1
                if event["kind"] == "lambda.invoked":
                    self.errors += event.get("result") != "success"
                    self.milliseconds += float(event.get("durationMs", 0))
            self.cursor = page["cursor"]
            if len(page["events"]) < 10000:
                return

    def _run(self):
        while not self.stopping.wait(1.0):
            try:
                self._poll()
            except OSError:  # busy: the next poll (or finish) reads on from the same cursor
                pass

    def finish(self):
        self.stopping.set()
        self.thread.join()
        self._poll()
        count = self.kinds.get("lambda.invoked", 0)
        return {"invocations": count, "invocation_errors": self.errors,
                "mean_invocation_ms": self.milliseconds / count if count else None,
                "journal": self.kinds}


# ---- the storm ------------------------------------------------------------------------------

class Device:
    def __init__(self, name, context=None, client_id=None, topic=None, **extra):
        self.name = name
        self.context = context
        self.client_id = client_id or name
        self.topic = topic
        self.first_connect = None
        self.done = None
        self.attempts = 0
        self.last_error = None
        self.__dict__.update(extra)


def run_storm(devices, attempt, args, emulator_pid):
    """Runs `attempt(device)` for every device, --concurrency at a time; a device whose attempt
    raises Refused is tried again after its back-off. Returns the storm's figures."""
    lock = threading.Condition()
    ready = [(0.0, i, d) for i, d in enumerate(devices)]  # (not before, tie-break, device)
    heapq.heapify(ready)
    remaining = [len(devices)]
    sequence = [len(devices)]
    rng = random.Random(1)

    def worker():
        while True:
            with lock:
                while True:
                    if not remaining[0]:
                        return
                    now = time.monotonic()
                    if ready and ready[0][0] <= now:
                        _, _, device = heapq.heappop(ready)
                        break
                    lock.wait(min(0.05, ready[0][0] - now) if ready else 0.05)
            if device.first_connect is None:
                device.first_connect = time.monotonic()
            device.attempts += 1
            try:
                attempt(device)
                device.done = time.monotonic()
            except Refused as error:
                device.last_error = str(error)
            except Exception as error:  # a reply we did not expect: a failed attempt too
                device.last_error = repr(error)
            with lock:
                now = time.monotonic()
                if device.done is not None or now - device.first_connect > args.give_up:
                    remaining[0] -= 1
                else:
                    delay = min(args.backoff_max, args.backoff * 2 ** (device.attempts - 1))
                    delay = delay / 2 + rng.uniform(0, delay / 2)  # "equal jitter"
                    sequence[0] += 1
                    heapq.heappush(ready, (now + delay, sequence[0], device))
                lock.notify_all()

    cpu_before, own_before = tree_cpu_seconds(emulator_pid), own_cpu_seconds()
    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    done = [d for d in devices if d.done is not None]
    latencies = sorted(d.done - d.first_connect for d in done)
    failed = [d for d in devices if d.done is None]
    return {
        "devices": len(devices),
        "succeeded": len(done),
        "failed": len(failed),
        "last_failure": failed[-1].last_error if failed else None,
        "seconds": elapsed,
        "devices_per_second": len(done) / elapsed,
        "p50_seconds": percentile(latencies, 50),
        "p99_seconds": percentile(latencies, 99),
        "max_seconds": latencies[-1] if latencies else None,
        "connect_attempts": sum(d.attempts for d in devices),
        "emulator_cpu_seconds": tree_cpu_seconds(emulator_pid) - cpu_before,
        "client_cpu_seconds": own_cpu_seconds() - own_before,
    }


def percentile(sorted_values, p):
    """Nearest rank."""
    if not sorted_values:
        return None
    rank = max(1, -(-p * len(sorted_values) // 100))
    return sorted_values[int(rank) - 1]


def raw_limit(target, context, args, emulator_pid):
    """Full mutual-TLS handshake + CONNECT/CONNACK + DISCONNECT with an ACTIVE certificate and an
    allow-all policy, --concurrency at a time for --raw-seconds: the least a device's connect can
    cost. A storm device needs two of them (the dropped or claim connect, then its own)."""
    end = time.monotonic() + args.raw_seconds
    counts, failures = [0] * args.concurrency, [0] * args.concurrency

    def worker(index):
        n = 0
        while time.monotonic() < end:
            n += 1
            try:
                mqtt_connect(target, context, f"raw-{index}-{n}").close()
                counts[index] += 1
            except Refused:
                failures[index] += 1

    cpu_before, own_before = tree_cpu_seconds(emulator_pid), own_cpu_seconds()
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    connects = sum(counts)
    return {
        "connects": connects,
        "failures": sum(failures),
        "seconds": elapsed,
        "connects_per_second": connects / elapsed,
        "devices_per_second": connects / elapsed / 2,
        "emulator_cpu_seconds": tree_cpu_seconds(emulator_pid) - cpu_before,
        "client_cpu_seconds": own_cpu_seconds() - own_before,
    }


# ---- the three modes ------------------------------------------------------------------------

def connect_and_publish(target, device):
    client = mqtt_connect(target, device.context, device.client_id)
    try:
        client.wait_for(PUBACK, client.publish(device.topic, b'{"hello": 1}'))
    finally:
        client.close()


class Onboarding:
    """One mode on one emulator: set up once, then make devices for each storm."""

    def __init__(self, mode, args, work, ready, keys):
        self.mode, self.args, self.work, self.keys = mode, args, work, keys
        self.target = {"host": ready["mqtt_host"], "port": ready["mqtt_port"],
                       "ca": ready["server_ca_file"]}
        self.iot = boto3.client("iot", endpoint_url=ready["api_endpoint"])
        self.pki = Pki(work)
        getattr(self, f"set_up_{mode}")(ready)

    def set_up_jitr(self, ready):
        lam = boto3.client("lambda", endpoint_url=ready["api_endpoint"])
        ca_id = self.pki.register_ca(self.iot, "ca")
        self.ca = load_ca(self.work, "ca")
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w") as archive:
            for file in os.listdir(HANDLER):
                archive.write(os.path.join(HANDLER, file), file)
        arn = lam.create_function(
            FunctionName="jitr-workshop-python", Runtime="python3.11",
            Handler="lambda_function.lambda_handler", Timeout=30,
            Role="arn:aws:iam::123456789012:role/jitr",
            Code={"ZipFile": package.getvalue()})["FunctionArn"]
        self.iot.create_topic_rule(ruleName="jitr", topicRulePayload={
            "sql": f"SELECT * FROM '$aws/events/certificates/registered/{ca_id}'",
            "actions": [{"lambda": {"functionArn": arn}}]})

    def set_up_jitp(self, ready):
        self.iot.create_policy(
            policyName=JITP_POLICY,
            policyDocument=open(os.path.join(ROOT, "fixtures", "jitp", "device_policy.json"))
            .read())
        self.iot.create_thing_group(thingGroupName="bulk-group")
        self.pki.register_ca(self.iot, "ca", registrationConfig={
            "templateBody": workshop_template(),
            "roleArn": "arn:aws:iam::123456789012:role/JITPRole"})
        self.ca = load_ca(self.work, "ca")

    def set_up_fleet(self, ready):
        claim = self.iot.create_keys_and_certificate(setAsActive=True)
        for suffix, pem in (("crt", claim["certificatePem"]),
                            ("key", claim["keyPair"]["PrivateKey"])):
            open(f"{self.work}/claim.{suffix}", "w").write(pem)
        self.iot.create_policy(policyName="claim",
                               policyDocument=open(f"{FLEET}/claim-policy.json").read())
        self.iot.attach_policy(policyName="claim", target=claim["certificateArn"])
        self.iot.create_provisioning_template(
            templateName=FLEET_TEMPLATE, enabled=True,
            templateBody=open(f"{FLEET}/template.json").read(),
            provisioningRoleArn="arn:aws:iam::123456789012:role/FleetProvisioningRole")
        self.claim_context = tls_context(self.target, f"{self.work}/claim.crt",
                                         f"{self.work}/claim.key")

    def raw_context(self):
        """An ACTIVE certificate (RSA-2048, made by the emulator) with an allow-all policy."""
        made = self.iot.create_keys_and_certificate(setAsActive=True)
        open(f"{self.work}/raw.crt", "w").write(made["certificatePem"])
        open(f"{self.work}/raw.key", "w").write(made["keyPair"]["PrivateKey"])
        self.iot.create_policy(policyName="raw-allow-all", policyDocument=ALLOW_ALL)
        self.iot.attach_policy(policyName="raw-allow-all", target=made["certificateArn"])
        return tls_context(self.target, f"{self.work}/raw.crt", f"{self.work}/raw.key")

    def devices(self, storm, count):
        made = []
        ca_pem = open(f"{self.work}/ca.pem", "rb").read() if self.mode != "fleet" else None
        for i in range(count):
            name = f"{self.mode}-{storm}-{i}"
            key, key_file = self.keys.pick(i)
            if self.mode == "fleet":
                csr = csr_pem(key, name) if self.args.fleet_api == "csr" else None
                made.append(Device(name, key=key, key_file=key_file, serial=name, csr=csr))
                continue
            # The device certificate followed by its CA's, as AWS's JITR instructions have it.
            chain = f"{self.work}/{name}.chain"
            with open(chain, "wb") as out:
                out.write(device_certificate(self.ca, key, name) + ca_pem)
            topic = f"dt/{name}/hello" if self.mode == "jitr" else "ji/tp"
            made.append(Device(name, context=tls_context(self.target, chain, key_file),
                               topic=topic))
        return made

    def attempt(self, device):
        if self.mode == "fleet" and device.context is None:
            self.provision_by_claim(device)
        connect_and_publish(self.target, device)

    def provision_by_claim(self, device):
        """The claim connection: a certificate, then RegisterThing; the device's own context."""
        client = mqtt_connect(self.target, self.claim_context, f"claim-{device.name}")
        try:
            if device.csr:
                create, body = "$aws/certificates/create-from-csr/json", {
                    "certificateSigningRequest": device.csr}
            else:
                create, body = "$aws/certificates/create/json", {}
            provision = f"$aws/provisioning-templates/{FLEET_TEMPLATE}/provision/json"
            client.subscribe([f"{create}/+", f"{provision}/+"])
            client.publish(create, json.dumps(body).encode())
            topic, reply = client.next_message()
            if not topic.endswith("/accepted"):
                raise Refused(f"{create}: {reply[:200]!r}")
            keys = json.loads(reply)
            client.publish(provision, json.dumps({
                "certificateOwnershipToken": keys["certificateOwnershipToken"],
                "parameters": {"SerialNumber": device.serial}}).encode())
            topic, reply = client.next_message()
            if not topic.endswith("/accepted"):
                raise Refused(f"RegisterThing: {reply[:200]!r}")
            thing = json.loads(reply)["thingName"]
        finally:
            client.close()
        certificate = f"{self.work}/{device.name}.crt"
        open(certificate, "w").write(keys["certificatePem"])
        key_file = device.key_file
        if "privateKey" in keys:
            key_file = f"{self.work}/{device.name}.key"
            open(key_file, "w").write(keys["privateKey"])
        device.client_id, device.topic = thing, f"devices/{thing}/hello"
        device.context = tls_context(self.target, certificate, key_file)


def run_mode(mode, args):
    with running_emulator(args.binary, f"iotemu-storm-{mode}.") as (work, ready):
        pid = ready["pid"]
        keys = Keys(work, args.key_pool)
        onboarding = Onboarding(mode, args, work, ready, keys)
        result = {"mode": mode}
        for storm in ("cold", "warm"):
            devices = onboarding.devices(storm, args.devices)
            journal = Journal(ready["api_endpoint"])
            result[storm] = run_storm(devices, onboarding.attempt, args, pid)
            # Work the storm left behind (events of retries still queued for the handler)
            # belongs to it, and must not slow what is measured next.
            result[storm]["settled_after_seconds"] = wait_until_idle(pid)
            result[storm].update(journal.finish())
            print(f"  {mode} {storm}: {describe(result[storm])}", file=sys.stderr, flush=True)
        raw_context = onboarding.raw_context()
        wait_until_idle(pid)
        result["raw"] = raw_limit(onboarding.target, raw_context, args, pid)
        print(f"  {mode} raw limit: {result['raw']['connects_per_second']:.0f} connects/s = "
              f"{result['raw']['devices_per_second']:.0f} devices/s", file=sys.stderr, flush=True)
        for storm in ("cold", "warm"):
            result[storm]["fraction_of_raw"] = (result[storm]["devices_per_second"] /
                                                result["raw"]["devices_per_second"])
        return result


def describe(r):
    text = (f"{r['succeeded']}/{r['devices']} devices in {r['seconds']:.2f} s = "
            f"{r['devices_per_second']:.1f} devices/s")
    if r["succeeded"]:
        text += (f", first connect to PUBACK p50 {1000 * r['p50_seconds']:.0f} ms, "
                 f"p99 {1000 * r['p99_seconds']:.0f} ms")
    return (text + f", {r['connect_attempts']} connect attempts, emulator CPU "
            f"{r['emulator_cpu_seconds']:.1f} s, client CPU {r['client_cpu_seconds']:.1f} s, "
            f"emulator idle {r['settled_after_seconds']:.1f} s after the last device"
            + (f", {r['invocations']} Lambda invocations ({r['invocation_errors']} failed, "
               f"{r['mean_invocation_ms']:.0f} ms on average)" if r["invocations"] else "")
            + "; journal: " + ", ".join(f"{k} {n}" for k, n in sorted(r["journal"].items())))


def main():
    args = parse_arguments()
    results = {"devices": args.devices, "concurrency": args.concurrency,
               "backoff": args.backoff, "backoff_max": args.backoff_max, "modes": {}}
    for mode in args.modes:
        results["modes"][mode] = run_mode(mode, args)
    print(f"{args.devices} devices per storm, {args.concurrency} connection attempts at once, "
          f"retry after {args.backoff} s doubling to {args.backoff_max} s (jittered); "
          f"raw limit = full mutual-TLS connects/s ÷ 2")
    print()
    print("| mode | storm | devices/s | fraction of raw limit | p50 | p99 | connect attempts "
          "| Lambda invocations | emulator CPU s | client CPU s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mode, r in results["modes"].items():
        for storm in ("cold", "warm"):
            s = r[storm]
            p50 = f"{1000 * s['p50_seconds']:.0f} ms" if s["succeeded"] else "—"
            p99 = f"{1000 * s['p99_seconds']:.0f} ms" if s["succeeded"] else "—"
            print(f"| {mode} | {storm} | {s['devices_per_second']:.1f} | "
                  f"{100 * s['fraction_of_raw']:.0f}% | {p50} | {p99} | {s['connect_attempts']} | "
                  f"{s['invocations']} | {s['emulator_cpu_seconds']:.1f} | "
                  f"{s['client_cpu_seconds']:.1f} |")
        raw = r["raw"]
        print(f"| {mode} | raw limit | {raw['devices_per_second']:.1f} | 100% | — | — | "
              f"{raw['connects']} | — | {raw['emulator_cpu_seconds']:.1f} | "
              f"{raw['client_cpu_seconds']:.1f} |")
    failures = [(mode, storm, r[storm]) for mode, r in results["modes"].items()
                for storm in ("cold", "warm") if r[storm]["failed"]]
    for mode, storm, s in failures:
        print(f"\n{mode} {storm}: {s['failed']} devices never got through "
              f"(last error: {s['last_failure']})")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
