"""Fleet provisioning's raw MQTT topics with Debian's paho-mqtt and cbor2, for
fleet_provisioning.test.sh: one connection sends a list of requests, each after subscribing to
its accepted and rejected topics, and reports what came back.

    fleet_raw.py HOST PORT CA CERT KEY CLIENT_ID REQUESTS.json

REQUESTS.json: [{"topic": T, "body": JSON value | "raw": "text sent as it is"}, …]. A body is
encoded as JSON, or as CBOR when T ends in /cbor; the string "$token" anywhere in a body stands
for the certificateOwnershipToken of the last accepted reply. Prints one JSON line per request:
{"reply": "accepted"|"rejected", "body": …} (CBOR replies decoded; "cbor": true when the reply
was CBOR), or {"reply": "closed"} when the server dropped the connection, or
{"reply": "none"} when nothing came within the timeout."""
import json
import queue
import sys
import time

import cbor2
import paho_events

TIMEOUT = 15.0


def substitute(value, token):
    if value == "$token":
        return token
    if isinstance(value, dict):
        return {k: substitute(v, token) for k, v in value.items()}
    return value


def main():
    host, port, ca, cert, key, client_id, requests_file = sys.argv[1:]
    requests = json.load(open(requests_file))
    client, events = paho_events.connect(host, port, ca, cert, key, client_id)

    def next_event(kinds):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                event = events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if event[0] in kinds or event[0] == "closed":
                return event

    event = next_event({"connack"})
    if not event or event[0] != "connack" or event[1] != 0:
        sys.exit(f"connect failed: {event}")
    token = None
    for request in requests:
        topic = request["topic"]
        cbor = topic.endswith("/cbor")
        client.subscribe(topic + "/+", qos=1)
        event = next_event({"suback"})
        if not event or event[0] != "suback":
            print(json.dumps({"reply": "closed"}))
            break
        if "raw" in request:
            payload = request["raw"].encode()
        else:
            body = substitute(request["body"], token)
            payload = cbor2.dumps(body) if cbor else json.dumps(body).encode()
        client.publish(topic, payload, qos=1)
        event = next_event({"message"})
        if event is None:
            print(json.dumps({"reply": "none"}))
            continue
        if event[0] == "closed":
            print(json.dumps({"reply": "closed"}))
            break
        _, reply_topic, payload = event
        body = cbor2.loads(payload) if cbor else json.loads(payload)
        outcome = reply_topic[len(topic) + 1:]
        if outcome == "accepted" and "certificateOwnershipToken" in body:
            token = body["certificateOwnershipToken"]
        print(json.dumps({"reply": outcome, "body": body, "cbor": cbor}), flush=True)
        client.unsubscribe(topic + "/+")
    client.disconnect()
    client.loop_stop()


if __name__ == "__main__":
    main()
