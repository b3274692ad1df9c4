"""A device's side of the Device Shadow service over MQTT 3.1.1, with Debian's paho-mqtt, for
shadow_mqtt.test.sh: one connection whose client id is its thing's name (so the policy's
${iot:Connection.Thing.ThingName} resolves), subscribed to its shadow's reply topics, sends
requests and checks each reply as AWS documents it. Exits non-zero with the reason on failure.

    shadow_device.py HOST PORT CA CERT KEY THING"""
import json
import queue
import sys
import time

import paho_events

TIMEOUT = 15.0


def main():
    host, port, ca, cert, key, thing = sys.argv[1:]
    prefix = f"$aws/things/{thing}/shadow"
    client, events = paho_events.connect(host, port, ca, cert, key, thing)

    def next_event():
        try:
            return events.get(timeout=TIMEOUT)
        except queue.Empty:
            sys.exit("no answer within the timeout")

    event = next_event()
    assert event == ("connack", 0), event
    filters = [f"{prefix}/update/accepted", f"{prefix}/update/rejected", f"{prefix}/update/delta",
               f"{prefix}/get/+", f"{prefix}/delete/+", f"{prefix}/name/config/get/+"]
    client.subscribe([(f, 1) for f in filters])
    event = next_event()
    assert event[0] == "suback" and all(g == 1 for g in event[1]), event

    def request(suffix, payload, *replies):
        """Publishes on prefix/suffix; returns {reply suffix: JSON body} once all arrived."""
        client.publish(f"{prefix}/{suffix}", payload, qos=1)
        got = {}
        while len(got) < len(replies):
            event = next_event()
            if event[0] == "closed":
                sys.exit(f"connection closed after {suffix}")
            _, topic, body = event
            reply = topic[len(prefix) + 1:]
            if reply not in replies:
                sys.exit(f"unexpected reply on {topic}: {body!r}")
            got[reply] = json.loads(body)
        return got

    # Desired from the cloud side: accepted with version 1 and metadata, the whole delta.
    got = request("update", json.dumps({"state": {"desired": {"color": "red", "power": {"on": True}}},
                                        "clientToken": "u-1"}), "update/accepted", "update/delta")
    accepted, delta = got["update/accepted"], got["update/delta"]
    assert accepted["version"] == 1 and accepted["clientToken"] == "u-1", accepted
    assert accepted["state"] == {"desired": {"color": "red", "power": {"on": True}}}, accepted
    stamp = accepted["metadata"]["desired"]["power"]["on"]["timestamp"]
    assert isinstance(stamp, int) and abs(stamp - time.time()) < 60, accepted
    assert delta["state"] == {"color": "red", "power": {"on": True}}, delta
    assert delta["version"] == 1 and delta["timestamp"] == accepted["timestamp"], delta

    # The device reports part of it: what is still asked comes again as the delta of version 2.
    got = request("update", json.dumps({"state": {"reported": {"color": "red", "temp": 21}},
                                        "clientToken": "u-2"}), "update/accepted", "update/delta")
    assert got["update/accepted"]["version"] == 2, got
    assert got["update/delta"]["state"] == {"power": {"on": True}}, got

    # Get: the document, its delta and the token.
    document = request("get", json.dumps({"clientToken": "g-1"}), "get/accepted")["get/accepted"]
    assert document["version"] == 2 and document["clientToken"] == "g-1", document
    assert document["state"]["delta"] == {"power": {"on": True}}, document
    assert document["state"]["reported"] == {"color": "red", "temp": 21}, document

    # Rejections with AWS's code and message, the token echoed.
    rejected = request("update", json.dumps({"state": {"desired": {"a": 1}}, "version": 1,
                                             "clientToken": "stale"}), "update/rejected")
    assert rejected["update/rejected"] == {"code": 409, "message": "Version conflict",
                                           "clientToken": "stale"}, rejected
    rejected = request("update", "not json", "update/rejected")
    assert rejected["update/rejected"] == {"code": 400, "message": "Invalid JSON"}, rejected
    rejected = request("update", json.dumps({"state": {"delta": {}}}), "update/rejected")
    assert rejected["update/rejected"]["message"] == "State contains an invalid node: 'delta'"

    # A named shadow is its own: missing until made.
    rejected = request("name/config/get", "", "name/config/get/rejected")
    assert rejected["name/config/get/rejected"] == {
        "code": 404, "message": "No shadow exists with name: 'config'"}, rejected

    # Delete answers the last version; a get afterwards is a 404 naming the thing.
    deleted = request("delete", json.dumps({"clientToken": "d-1"}), "delete/accepted")
    assert deleted["delete/accepted"]["version"] == 2, deleted
    assert deleted["delete/accepted"]["clientToken"] == "d-1", deleted
    rejected = request("get", "", "get/rejected")
    assert rejected["get/rejected"] == {
        "code": 404, "message": f"No shadow exists with name: '{thing}'"}, rejected

    client.disconnect()
    client.loop_stop()
    print("ok")


if __name__ == "__main__":
    main()
