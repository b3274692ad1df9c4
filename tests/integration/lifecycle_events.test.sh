#!/usr/bin/env bash
# Lifecycle events (docs/aws/data-plane.md §3): a watcher subscribed to $aws/events/presence/… and
# $aws/events/subscriptions/… sees connected → subscribed → disconnected, with every field AWS
# sends in its JSON type, and the disconnectReason of a clean DISCONNECT, a keep-alive timeout, a
# takeover and a certificate deactivated while connected. MQTT 5 clients also hear the server's
# DISCONNECT reason code (0x8E takeover, 0x87 certificate no longer ACTIVE, 0x8D keep-alive).
# A topic rule on the presence topics sees the events too.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
make_watcher w
iot create-keys-and-certificate --set-as-active >victim.json
json_get victim.json 'j["certificatePem"]' >victim.crt
json_get victim.json 'j["keyPair"]["PrivateKey"]' >victim.key
victim_id=$(json_get victim.json 'j["certificateId"]')
iot attach-policy --policy-name allow-all-w --target "$(json_get victim.json 'j["certificateArn"]')"
iot create-topic-rule --rule-name presence_log --topic-rule-payload '{
  "sql": "SELECT clientId, eventType, disconnectReason FROM '"'"'$aws/events/presence/+/+'"'"' WHERE clientId = '"'"'clean'"'"'",
  "actions": [{"republish": {"topic": "rule/presence", "roleArn": "arn:aws:iam::123456789012:role/r"}}]}'

start_sub events w.crt w.key watcher '$aws/events/presence/+/+' -t '$aws/events/subscriptions/+/+' \
  -t 'rule/presence' -V mqttv5 -q 1 -F 'EVENT %t %p'
v5_sub() {  # v5_sub NAME CERT CLIENT_ID ARGS…: a backgrounded mosquitto_sub -V mqttv5 -d
  local name=$1 cert=$2 client_id=$3; shift 3
  stdbuf -oL mosquitto_sub -V mqttv5 -d -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" \
    --cert "$cert.crt" --key "$cert.key" -i "$client_id" "$@" >"$name.out" 2>&1 &
  SUB_PIDS+=($!)
  wait_for_line "$name.out" 'received SUBACK' || fail "$name: no SUBACK: $(cat "$name.out")"
}

# Keep-alive timeout first: AWS's shortest keep-alive is 30 s, so the client is dropped 45 s
# after it goes silent (frozen, its socket open); the other cases run meanwhile.
v5_sub sleeper w sleeper -k 30 -t 'sleeper/#'
sleeper=${SUB_PIDS[-1]}
kill -STOP "$sleeper"

# A clean session: subscribe, receive one message, DISCONNECT.
v5_sub clean w clean -t 'clean/#' -C 1
mqtt_pub w.crt w.key -q 1 -t clean/t -i w-pub -m bye || fail "publish to clean failed"
wait_for_line events.out '$aws/events/presence/disconnected/clean' || fail "no disconnected event for clean"

# A takeover: the first connection hears 0x8E.
v5_sub twin w twin -t 'twin/#'
mqtt_pub w.crt w.key -V mqttv5 -q 1 -t twin/t -i twin -m takeover || fail "the second twin failed"
wait_for_line twin.out 'Received DISCONNECT (142)' || fail "the first twin got no DISCONNECT 0x8E"

# A certificate deactivated while connected: 0x87, AUTH_ERROR.
v5_sub victim victim victim -t 'victim/#'
iot update-certificate --certificate-id "$victim_id" --new-status INACTIVE
wait_for_line victim.out 'Received DISCONNECT (135)' || fail "the deactivated device got no DISCONNECT 0x87"

wait_for_line events.out '"disconnectReason":"MQTT_KEEP_ALIVE_TIMEOUT"' 60 ||
  fail "the silent client was not dropped for its keep-alive"
{ kill -KILL "$sleeper" && wait "$sleeper"; } 2>/dev/null || true
wait_for_line events.out 'EVENT rule/presence' || fail "the presence rule saw nothing"

python3 - events.out "$victim_id" "$(certificate_id w.crt)" <<'EOF' || fail "the events were not as AWS sends them"
import json, re, sys
path, victim_id, watcher_id = sys.argv[1:]
events = []
for line in open(path):
    if line.startswith("EVENT $aws/events/"):
        _, topic, payload = line.rstrip("\n").split(" ", 2)
        events.append((topic, json.loads(payload)))

def of(client_id):
    return [(t, e) for t, e in events if e["clientId"] == client_id]

def check(condition, what):
    if not condition:
        sys.exit(f"{what}\n" + "\n".join(f"{t} {json.dumps(e)}" for t, e in events))

uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
for topic, e in events:
    check(topic.endswith("/" + e["clientId"]), f"{topic} is not about {e['clientId']}")
    check(isinstance(e["timestamp"], int) and e["timestamp"] > 1_600_000_000_000, "timestamp ms")
    check(uuid.match(e["sessionIdentifier"]), "sessionIdentifier is a UUID")
    check(isinstance(e["principalIdentifier"], str) and len(e["principalIdentifier"]) == 64,
          "principalIdentifier is the certificate id")
    kind = e["eventType"]
    if kind == "connected":
        check(e["ipAddress"] == "127.0.0.1" and isinstance(e["versionNumber"], int), "connected fields")
    elif kind == "disconnected":
        check(isinstance(e["clientInitiatedDisconnect"], bool), "clientInitiatedDisconnect is a bool")
        check(isinstance(e["disconnectReason"], str) and "ipAddress" not in e, "disconnected fields")
    else:
        check(kind in ("subscribed", "unsubscribed") and isinstance(e["topics"], list), "topics")

clean = of("clean")
check([e["eventType"] for _, e in clean] == ["connected", "subscribed", "disconnected"],
      "clean: connected, subscribed, disconnected in order")
check(clean[1][1]["topics"] == ["clean/#"], "clean subscribed to clean/#")
check(clean[2][1]["disconnectReason"] == "CLIENT_INITIATED_DISCONNECT"
      and clean[2][1]["clientInitiatedDisconnect"] is True, "clean disconnect reason")
check(clean[0][1]["sessionIdentifier"] == clean[2][1]["sessionIdentifier"]
      and clean[0][1]["versionNumber"] == clean[2][1]["versionNumber"], "one session, one version")
check(clean[0][1]["principalIdentifier"] == watcher_id, "clean's principal is its certificate")

def reasons(client_id):
    return [e["disconnectReason"] for _, e in of(client_id) if e["eventType"] == "disconnected"]

check(sorted(reasons("twin")) == ["CLIENT_INITIATED_DISCONNECT", "DUPLICATE_CLIENTID"],
      "the first twin: DUPLICATE_CLIENTID, the second its own DISCONNECT")
check(reasons("victim") == ["AUTH_ERROR"], "the deactivated certificate: AUTH_ERROR")
check(of("victim")[0][1]["principalIdentifier"] == victim_id, "victim's principal")
check(reasons("sleeper") == ["MQTT_KEEP_ALIVE_TIMEOUT"], "the frozen client: MQTT_KEEP_ALIVE_TIMEOUT")
twins = [e for _, e in of("twin") if e["eventType"] == "connected"]
check(len(twins) == 2 and twins[1]["versionNumber"] > twins[0]["versionNumber"],
      "the second twin has the next version number")
EOF
grep -q 'EVENT rule/presence {"clientId":"clean","eventType":"connected"}' events.out ||
  fail "the rule did not see clean's connected event: $(grep rule/presence events.out)"
pass
