"""Debian's python3-paho-mqtt as an MQTT 5 device, for mqtt5_clients.test.sh.

    paho_v5_client.py refused HOST PORT CA CERT KEY CLIENT_ID
        the first connect must be refused (JITR: dropped before CONNACK)
    paho_v5_client.py session HOST PORT CA CERT KEY CLIENT_ID PREFIX
        connect, subscribe PREFIX/#, publish QoS 0 and 1 with a user property, receive both,
        disconnect cleanly
Prints PASS or FAIL with the reason; exits 0 on PASS."""
import ssl
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

TIMEOUT = 20.0


def client_for(ca, cert, key, client_id):
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5)
    client.tls_set(ca_certs=ca, certfile=cert, keyfile=key)
    return client


def wait_for(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {what} within {TIMEOUT} s")
        time.sleep(0.02)


def refused(host, port, ca, cert, key, client_id):
    client = client_for(ca, cert, key, client_id)
    outcome = {}
    client.on_connect = lambda c, u, flags, rc, props=None: outcome.setdefault("connack", str(rc))
    client.on_disconnect = lambda c, u, rc, props=None: outcome.setdefault("closed", str(rc))
    try:
        client.connect(host, port, keepalive=60, clean_start=True)
    except (OSError, ssl.SSLError) as error:
        return f"refused at connect: {error}"
    client.loop_start()
    try:
        wait_for(lambda: outcome, "answer")
    finally:
        client.loop_stop()
    if "connack" in outcome and outcome["connack"] == "Success":
        raise RuntimeError("connected, but JITR should refuse")
    return f"refused: {outcome}"


def session(host, port, ca, cert, key, client_id, prefix):
    client = client_for(ca, cert, key, client_id)
    received = {}
    events = {}
    lock = threading.Lock()

    def on_message(_client, _userdata, message):
        with lock:
            props = getattr(message, "properties", None)
            received[message.payload.decode()] = getattr(props, "UserProperty", None)

    client.on_connect = lambda c, u, flags, rc, props=None: events.setdefault("connack", rc)
    client.on_subscribe = lambda c, u, mid, codes, props=None: events.setdefault("suback", codes)
    client.on_publish = lambda c, u, mid: events.setdefault(f"puback-{mid}", True)
    client.on_disconnect = lambda c, u, rc, props=None: events.setdefault("disconnected", rc)
    client.on_message = on_message
    client.connect(host, port, keepalive=60, clean_start=True)
    client.loop_start()
    try:
        wait_for(lambda: "connack" in events, "CONNACK")
        if str(events["connack"]) != "Success":
            raise RuntimeError(f"CONNACK {events['connack']}")
        client.subscribe(f"{prefix}/#", qos=1)
        wait_for(lambda: "suback" in events, "SUBACK")
        if [str(code) for code in events["suback"]] != ["Granted QoS 1"]:
            raise RuntimeError(f"SUBACK {events['suback']}")
        props = Properties(PacketTypes.PUBLISH)
        props.UserProperty = [("sensor", "paho")]
        client.publish(f"{prefix}/data", "paho-qos0", qos=0, properties=props)
        info = client.publish(f"{prefix}/data", "paho-qos1", qos=1, properties=props)
        wait_for(lambda: info.is_published(), "PUBACK")
        wait_for(lambda: {"paho-qos0", "paho-qos1"} <= received.keys(), "messages back")
        for payload in ("paho-qos0", "paho-qos1"):
            if received[payload] != [("sensor", "paho")]:
                raise RuntimeError(f"{payload} arrived with user properties {received[payload]}")
        client.disconnect()
        wait_for(lambda: "disconnected" in events, "disconnect")
    finally:
        client.loop_stop()
    return "connected, subscribed, published QoS 0 and 1, received both, disconnected"


def main():
    command, host, port, ca, cert, key, client_id, *rest = sys.argv[1:]
    try:
        if command == "refused":
            detail = refused(host, int(port), ca, cert, key, client_id)
        else:
            detail = session(host, int(port), ca, cert, key, client_id, rest[0])
    except Exception as error:  # the test prints it and fails
        print(f"FAIL paho {command}: {error!r}")
        return 1
    print(f"PASS paho {command}: {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
