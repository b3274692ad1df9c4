"""One paho-mqtt (Debian's python3-paho-mqtt) MQTT 3.1.1 connection over mutual TLS whose
callbacks land in a queue, for the scripts that talk to the emulator as a device
(shadow_device.py, fleet_raw.py): ("connack", rc), ("suback", granted QoS list),
("message", topic, payload), ("closed", rc), in the order they happened."""
import queue
import ssl

import paho.mqtt.client as mqtt


def connect(host, port, ca, cert, key, client_id):
    """Starts connecting and returns (client, events); the CONNACK arrives in events."""
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
    client.tls_set(ca_certs=ca, certfile=cert, keyfile=key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
    events = queue.Queue()
    client.on_connect = lambda c, u, flags, rc: events.put(("connack", rc))
    client.on_subscribe = lambda c, u, mid, granted: events.put(("suback", granted))
    client.on_message = lambda c, u, m: events.put(("message", m.topic, m.payload))
    client.on_disconnect = lambda c, u, rc: events.put(("closed", rc))
    client.connect(host, int(port), keepalive=30)
    client.loop_start()
    return client, events
