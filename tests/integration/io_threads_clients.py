"""The clients of io_threads.test.sh: paho-mqtt (MQTT 3.1.1 over mutual TLS) connections, all at
once against an emulator serving on several I/O threads, with boto3 for the control plane.

    io_threads_clients.py API HOST PORT CAFILE DIR

Three things happen together, started by one barrier:
  - publishers send QoS 1 messages to subscribers, which must each get every one of them;
  - groups of clients connect with one client id at the same moment, round after round, taking
    the id over from each other and from the previous round's survivor: each round must leave
    exactly one connected, whose subscription still works, and the lifecycle events must say so;
  - certificates are deactivated (INACTIVE) or revoked from several threads while their
    connections subscribe and receive: every one of those connections must be dropped (with
    AUTH_ERROR), and no other.
Then a new client connects, publishes and is answered: the emulator still serves. Exits 1 with
what went wrong."""
import json
import ssl
import sys
import threading
import time

import boto3
import paho.mqtt.client as mqtt

API, HOST, PORT, CAFILE, DIR = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
PUBLISHERS, MESSAGES, SUBSCRIBERS = 6, 100, 4
TWIN_IDS, TWINS_PER_ID, TWIN_ROUNDS = 5, 4, 3
DOOMED_CERTIFICATES, KEPT_CERTIFICATES, CLIENTS_PER_CERTIFICATE = 6, 2, 2
SETTLE_SECONDS = 60  # how long convergence may take on a loaded machine; never a speed check

problems = []
problems_lock = threading.Lock()


def problem(text):
    with problems_lock:
        problems.append(text)


def wait_until(condition, seconds=SETTLE_SECONDS):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


iot = boto3.client("iot", endpoint_url=API, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
iot.create_policy(policyName="allow-all", policyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]}))


def certificate(name):
    """An ACTIVE certificate the emulator issues, allowed everything: (id, cert file, key file)."""
    made = iot.create_keys_and_certificate(setAsActive=True)
    iot.attach_policy(policyName="allow-all", target=made["certificateArn"])
    cert, key = f"{DIR}/{name}.crt", f"{DIR}/{name}.key"
    with open(cert, "w") as out:
        out.write(made["certificatePem"])
    with open(key, "w") as out:
        out.write(made["keyPair"]["PrivateKey"])
    return made["certificateId"], cert, key


class Device:
    """One paho connection. Its network loop runs on a thread of its own, which ends when the
    connection does (paho's loop_start would reconnect, and its thread dies on some TLS errors
    without telling on_disconnect)."""

    def __init__(self, client_id, credentials, subscribe=None):
        self.client_id = client_id
        self.subscribe = subscribe
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.gone = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.received = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311, clean_session=True)
        self.client.tls_set(ca_certs=CAFILE, certfile=credentials[1], keyfile=credentials[2],
                            tls_version=ssl.PROTOCOL_TLS_CLIENT)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda c, u, mid, granted: self.subscribed.set()
        self.client.on_message = self._on_message
        self.client.on_disconnect = lambda c, u, rc: self.gone.set()

    def start(self):
        try:
            self.client.connect(HOST, PORT, keepalive=60)
        except (OSError, ssl.SSLError):
            self.gone.set()
            return self
        self.thread.start()
        return self

    def _loop(self):
        try:
            while not self.stopping.is_set():
                if self.client.loop(timeout=0.1) != mqtt.MQTT_ERR_SUCCESS:
                    break
        except (OSError, ssl.SSLError):
            pass
        self.gone.set()

    def _on_connect(self, client, userdata, flags, rc):
        if rc != 0:
            return
        self.connected.set()
        if self.subscribe:
            client.subscribe(self.subscribe, qos=1)

    def _on_message(self, client, userdata, message):
        with self.lock:
            self.received.append((message.topic, message.payload.decode()))

    def live(self):
        return self.connected.is_set() and not self.gone.is_set()

    def messages(self):
        with self.lock:
            return list(self.received)

    def stop(self):
        self.client.disconnect()
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join()


def lets_in(client_id, credentials):
    """Whether a connection with these credentials gets a successful CONNACK (its own loop)."""
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
    client.tls_set(ca_certs=CAFILE, certfile=credentials[1], keyfile=credentials[2],
                   tls_version=ssl.PROTOCOL_TLS_CLIENT)
    state = {"connected": False, "gone": False}
    client.on_connect = lambda c, u, f, rc: state.update(connected=rc == 0, gone=rc != 0)
    client.on_disconnect = lambda c, u, rc: state.update(gone=True)
    try:
        client.connect(HOST, PORT, keepalive=60)
        deadline = time.monotonic() + 10
        while not state["gone"] and not state["connected"] and time.monotonic() < deadline:
            client.loop(timeout=0.1)
    except (OSError, ssl.SSLError):
        pass
    client.disconnect()
    return state["connected"]


watcher = certificate("watcher")
publisher_cert = certificate("publisher")
twin_cert = certificate("twin")
doomed = [certificate(f"doomed-{i}") for i in range(DOOMED_CERTIFICATES)]
kept = [certificate(f"kept-{i}") for i in range(KEPT_CERTIFICATES)]

# The lifecycle events of every client, as AWS publishes them.
events = Device("events-watcher", watcher, "$aws/events/presence/#").start()
if not events.subscribed.wait(SETTLE_SECONDS):
    sys.exit("the events watcher did not subscribe")

subscribers = [Device(f"subscriber-{i}", watcher, "load/#").start() for i in range(SUBSCRIBERS)]
doomed_devices = [Device(f"doomed-{c}-{k}", doomed[c], "load/#").start()
                  for c in range(DOOMED_CERTIFICATES) for k in range(CLIENTS_PER_CERTIFICATE)]
kept_devices = [Device(f"kept-{c}-{k}", kept[c], "load/#").start()
                for c in range(KEPT_CERTIFICATES) for k in range(CLIENTS_PER_CERTIFICATE)]
for device in subscribers + doomed_devices + kept_devices:
    if not device.subscribed.wait(SETTLE_SECONDS):
        sys.exit(f"{device.client_id} did not subscribe")

start = threading.Barrier(PUBLISHERS + TWIN_IDS + DOOMED_CERTIFICATES)


def publish(p):
    device = Device(f"publisher-{p}", publisher_cert).start()
    if not device.connected.wait(SETTLE_SECONDS):
        problem(f"publisher-{p} did not connect")
        start.wait()
        return
    start.wait()
    infos = [device.client.publish(f"load/{p}", f"{p}:{i}", qos=1) for i in range(MESSAGES)]
    for info in infos:
        info.wait_for_publish(SETTLE_SECONDS)
        if not info.is_published():
            problem(f"publisher-{p}: a message was not acknowledged")
            break
    device.stop()


survivors = {}  # client id -> its last round's surviving Device


def take_over(t):
    client_id = f"twin-{t}"
    start.wait()
    previous = None
    for round_ in range(TWIN_ROUNDS):
        twins = [Device(client_id, twin_cert, f"twins/{client_id}/#")
                 for _ in range(TWINS_PER_ID)]
        gate = threading.Barrier(TWINS_PER_ID)

        def go(device):
            gate.wait()
            device.start()

        starters = [threading.Thread(target=go, args=(twin,)) for twin in twins]
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join()
        everyone = twins + ([previous] if previous else [])
        settled = wait_until(lambda: all(d.gone.is_set() or d.subscribed.is_set() for d in twins)
                             and sum(d.live() for d in everyone) <= 1
                             and (previous is None or previous.gone.is_set()))
        live = [d for d in everyone if d.live()]
        if not settled or len(live) != 1:
            problem(f"{client_id} round {round_}: {len(live)} connections left, not 1")
            return
        previous = live[0]
    survivors[client_id] = previous


def deactivate(c):
    start.wait()
    status = "INACTIVE" if c % 2 == 0 else "REVOKED"
    iot.update_certificate(certificateId=doomed[c][0], newStatus=status)


workers = ([threading.Thread(target=publish, args=(p,)) for p in range(PUBLISHERS)]
           + [threading.Thread(target=take_over, args=(t,)) for t in range(TWIN_IDS)]
           + [threading.Thread(target=deactivate, args=(c,)) for c in range(DOOMED_CERTIFICATES)])
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()

# Nothing lost that must not be: QoS 1 to connected subscribers.
expected = {f"{p}:{i}" for p in range(PUBLISHERS) for i in range(MESSAGES)}
for device in subscribers + kept_devices:
    if not wait_until(lambda: expected <= {payload for _, payload in device.messages()}):
        missing = expected - {payload for _, payload in device.messages()}
        problem(f"{device.client_id} missed {len(missing)} of {len(expected)} QoS 1 messages")
    if not device.live():
        problem(f"{device.client_id}, whose certificate stayed ACTIVE, was disconnected")

# Every connection of a deactivated or revoked certificate is dropped, and may not come back.
for device in doomed_devices:
    if not device.gone.wait(SETTLE_SECONDS):
        problem(f"{device.client_id} is still connected with a deactivated certificate")
for c in range(DOOMED_CERTIFICATES):
    if lets_in(f"doomed-{c}-again", doomed[c]):
        problem(f"doomed-{c}-again connected with a deactivated certificate")

# Each twin client id: one survivor, still subscribed.
for client_id, survivor in sorted(survivors.items()):
    note = Device(f"note-{client_id}", publisher_cert).start()
    if note.connected.wait(SETTLE_SECONDS):
        note.client.publish(f"twins/{client_id}/hello", "hello", qos=1).wait_for_publish(10)
    if not wait_until(lambda: (f"twins/{client_id}/hello", "hello") in survivor.messages()):
        problem(f"the surviving {client_id} did not get a message on its subscription")
    note.stop()


# The lifecycle events agree: per client id, one more connect than disconnects for the twins
# (one survivor), as many for the doomed (all gone, with AUTH_ERROR).
def presence():
    counts = {}
    for topic, payload in events.messages():
        kind = topic.split("/")[3]
        event = json.loads(payload)
        entry = counts.setdefault(event["clientId"], {"connected": 0, "disconnected": 0,
                                                      "reasons": set()})
        if kind in ("connected", "disconnected"):
            entry[kind] += 1
        if kind == "disconnected":
            entry["reasons"].add(event["disconnectReason"])
    return counts


def twins_and_doomed_agree():
    counts = presence()
    for t in range(TWIN_IDS):
        entry = counts.get(f"twin-{t}", {"connected": 0, "disconnected": 0})
        if entry["connected"] != TWINS_PER_ID * TWIN_ROUNDS or entry["disconnected"] != \
                TWINS_PER_ID * TWIN_ROUNDS - 1:
            return False
    for device in doomed_devices:
        entry = counts.get(device.client_id, {"connected": 0, "disconnected": 0})
        if entry["connected"] != 1 or entry["disconnected"] != 1:
            return False
    return True


if survivors and len(survivors) == TWIN_IDS and not wait_until(twins_and_doomed_agree):
    counts = presence()
    for client_id in sorted(counts):
        if client_id.startswith(("twin-", "doomed-")):
            entry = counts[client_id]
            problem(f"lifecycle events of {client_id}: {entry['connected']} connected, "
                    f"{entry['disconnected']} disconnected")
counts = presence()
for device in doomed_devices:
    reasons = counts.get(device.client_id, {}).get("reasons", set())
    if reasons != {"AUTH_ERROR"}:
        problem(f"{device.client_id} was disconnected for {sorted(reasons)}, not AUTH_ERROR")
for t in range(TWIN_IDS):
    reasons = counts.get(f"twin-{t}", {}).get("reasons", set())
    if reasons - {"DUPLICATE_CLIENTID"}:
        problem(f"twin-{t} was disconnected for {sorted(reasons)}, not only DUPLICATE_CLIENTID")

# The emulator still serves: a new client is answered, and so is the control plane.
late = Device("late-subscriber", watcher, "late/topic").start()
if not late.subscribed.wait(SETTLE_SECONDS):
    problem("a new client could not subscribe after all this")
else:
    sender = Device("late-publisher", publisher_cert).start()
    sender.connected.wait(SETTLE_SECONDS)
    sender.client.publish("late/topic", "still serving", qos=1).wait_for_publish(10)
    if not wait_until(lambda: ("late/topic", "still serving") in late.messages()):
        problem("a message published after all this was not delivered")
    sender.stop()
iot.list_certificates()

for device in [events, late] + subscribers + kept_devices + list(survivors.values()):
    device.stop()
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{PUBLISHERS * MESSAGES} messages to {SUBSCRIBERS + len(kept_devices)} subscribers, "
      f"{TWIN_IDS * TWINS_PER_ID * TWIN_ROUNDS} takeovers, {len(doomed_devices)} connections "
      "of deactivated certificates dropped")
