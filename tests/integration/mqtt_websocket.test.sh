#!/usr/bin/env bash
# MQTT over WebSocket (docs/aws/data-plane.md §2) with real clients: AWS's device SDK v2 websocket
# builders (MQTT 5, signing region read from the AWS-form endpoint host that DescribeEndpoint
# answers; MQTT 3.1.1 on the 443-style port) and MQTT.js 5 over wss with a hand-presigned URL, each
# signing with dummy credentials, subscribing, publishing QoS 0 and 1, receiving and disconnecting.
# --websocket-policy holds them to an IoT policy: refused before it exists, served after. A
# watcher sees their lifecycle events; bad upgrades get AWS's answers and the emulator serves on.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
NODE_CLIENTS=$HERE/node
[[ -d $NODE_CLIENTS/node_modules ]] || fail "no $NODE_CLIENTS/node_modules: run scripts/setup --test"
ENDPOINT_HOST=iotemu-ats.iot.us-east-1.localhost
getent hosts "$ENDPOINT_HOST" >/dev/null ||
  fail "$ENDPOINT_HOST does not resolve: scripts/setup --test installs libnss-myhostname"
start_emulator --endpoint-host "$ENDPOINT_HOST" --websocket-policy websocket-devices
cd "$WORK"

# DescribeEndpoint answers the AWS-form name; the SDK reads its region (us-east-1) from it.
endpoint=$(iot describe-endpoint --endpoint-type iot:Data-ATS | json_get - 'j["endpointAddress"]')
expect_eq "${endpoint%:*}" "$ENDPOINT_HOST" "describe-endpoint's host"

python3 - "$WORK" "$ENDPOINT_HOST" "$HTTPS_PORT" "$ALPN_PORT" "$SERVER_CA" <<'EOF'
import json, sys
work, host, https_port, alpn_port, ca = sys.argv[1:]
clients = [
    # The MQTT 5 builder with no region: it signs for the one in the host name.
    {"kind": "sdk5", "clientId": "ws-sdk5", "prefix": "ws-sdk5"},
    {"kind": "sdk311", "clientId": "ws-sdk311", "prefix": "ws-sdk311", "region": "us-east-1",
     "host": "localhost", "port": int(alpn_port)},
    {"kind": "mqttjs5", "clientId": "ws-mqttjs5", "prefix": "ws-mqttjs5", "region": "us-east-1",
     "host": "localhost"},
]
for client in clients:
    client["websocket"] = True
config = {"host": host, "port": int(https_port), "ca": ca, "clients": clients}
json.dump(config, open(f"{work}/clients.json", "w"))
json.dump(dict(config, clients=clients[2:]), open(f"{work}/refused.json", "w"))
EOF

# Held to a policy that does not exist yet: a connect is refused (MQTT 5: CONNACK 0x87).
node "$NODE_CLIENTS/clients.js" refused refused.json >refused.out 2>&1 ||
  fail "a WebSocket client connected without a policy: $(cat refused.out)"
grep -q 'Not authorized' refused.out || fail "the refusal was not CONNACK 0x87: $(cat refused.out)"
iot create-policy --policy-name websocket-devices --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/ws-*"},
  {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:ClientId}/*"},
  {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/${iot:ClientId}/*"}]}' >/dev/null

make_watcher w
start_sub events w.crt w.key watcher '$aws/events/presence/+/+' -t '$aws/events/subscriptions/+/+' \
  -q 1 -F 'EVENT %t %p'

# Bad upgrades first: each answered as AWS does, and the emulator serves on. Its raw client
# ws-raw ends with a WebSocket Close frame, which AWS counts as the client's own disconnect.
python3 "$HERE/websocket_bad_input.py" "$MQTT_HOST" "$HTTPS_PORT" "$ALPN_PORT" "$SERVER_CA" \
  >bad-input.out 2>&1 || fail "bad WebSocket input: $(cat bad-input.out)"
node "$NODE_CLIENTS/clients.js" session clients.json >sessions.out 2>&1 ||
  fail "a WebSocket client's session failed: $(cat sessions.out)"

for client in ws-raw ws-sdk5 ws-sdk311 ws-mqttjs5; do
  wait_for_line events.out "EVENT \$aws/events/presence/disconnected/$client " ||
    fail "no disconnected event for $client: $(cat events.out)"
done
python3 - events.out <<'EOF' || fail "the WebSocket clients' lifecycle events were not as AWS sends them"
import json, sys
events = {}
for line in open(sys.argv[1]):
    if line.startswith("EVENT "):
        topic, _, payload = line[6:].rstrip("\n").partition(" ")
        events.setdefault(topic, []).append(json.loads(payload))
for client in ("ws-sdk5", "ws-sdk311", "ws-mqttjs5"):
    connected = events[f"$aws/events/presence/connected/{client}"][0]
    disconnected = events[f"$aws/events/presence/disconnected/{client}"][0]
    subscribed = events[f"$aws/events/subscriptions/subscribed/{client}"][0]
    assert connected["principalIdentifier"] == "123456789012/test", connected
    assert connected["sessionIdentifier"] == disconnected["sessionIdentifier"], (connected, disconnected)
    assert disconnected["disconnectReason"] == "CLIENT_INITIATED_DISCONNECT", disconnected
    assert subscribed["topics"] == [f"{client}/#"], subscribed
raw = events["$aws/events/presence/disconnected/ws-raw"][0]
assert raw["disconnectReason"] == "CLIENT_INITIATED_DISCONNECT", raw
EOF
pass
