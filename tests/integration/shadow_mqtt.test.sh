#!/usr/bin/env bash
# The Device Shadow service over MQTT (docs/aws/data-plane.md §4) with real clients: a device
# (Debian's paho-mqtt, shadow_device.py) whose policy names only its own thing
# (${iot:Connection.Thing.ThingName}) updates, reads and deletes its shadow and asks for a named
# one, and gets /accepted, /delta and /rejected with its clientToken; mosquitto_sub as an
# observer sees /update/documents with previous and current;
# a topic rule reads state.reported from /update/accepted; the device cannot touch another
# thing's shadow, neither by publishing nor by subscribing.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
start_emulator
cd "$WORK"

make_watcher watcher
iot create-thing --thing-name lamp >/dev/null
iot create-keys-and-certificate --set-as-active >device.json
json_get device.json 'j["certificatePem"]' >device.crt
json_get device.json 'j["keyPair"]["PrivateKey"]' >device.key
device_arn=$(json_get device.json 'j["certificateArn"]')
iot attach-thing-principal --thing-name lamp --principal "$device_arn"
# AWS's example shadow policy (DG device-shadow-mqtt), scoped by the connected thing's name.
iot create-policy --policy-name shadow-device --policy-document "file://$FIXTURES/shadow/device-policy.json" >/dev/null
iot attach-policy --policy-name shadow-device --target "$device_arn"

# A rule reads the reported temperature out of every accepted update (issue's example SQL).
iot create-topic-rule --rule-name shadow_temp --topic-rule-payload '{"sql":"SELECT state.reported.temp AS temp, topic(3) AS thing FROM '"'"'$aws/things/+/shadow/update/accepted'"'"'","awsIotSqlVersion":"2016-03-23","actions":[{"republish":{"topic":"rule/out","roleArn":"arn:aws:iam::123456789012:role/r"}}]}'

PAHO_PYTHON=python3
python3 -c 'import paho.mqtt' 2>/dev/null || PAHO_PYTHON=/usr/bin/python3
prefix='$aws/things/lamp/shadow'
start_sub watch watcher.crt watcher.key watcher-sub '$aws/things/+/shadow/update/documents' -q 1 \
  -t rule/out -t '$aws/things/fan/shadow/#'

# check FILE TOPIC PYTHON: the last payload received on exactly TOPIC, parsed as `j`, satisfies
# PYTHON.
check() {
  local payload; payload=$(grep -F "MSG $2 " "$1" | tail -n 1 | cut -d' ' -f3-)
  python3 -c 'import json,sys; j=json.loads(sys.argv[1]); assert eval(sys.argv[2]), j' "$payload" "$3" ||
    fail "on $2: expected $3, got: $payload"
}

# The device: update desired, report, get, rejections, a named shadow, delete.
"$PAHO_PYTHON" "$HERE/shadow_device.py" "$MQTT_HOST" "$MQTT_PORT" "$SERVER_CA" \
  device.crt device.key lamp >device.out 2>&1 || fail "the device's shadow flow: $(cat device.out)"

# The observer saw both updates' documents, previous and current; the rule saw the temperature.
wait_for_count watch.out "MSG $prefix/update/documents " 2 ||
  fail "no second /update/documents: $(cat watch.out)"
check watch.out "$prefix/update/documents" \
  'j["previous"]["version"] == 1 and j["current"]["version"] == 2 and "reported" not in j["previous"]["state"] and j["current"]["state"]["reported"] == {"color": "red", "temp": 21} and j["clientToken"] == "u-2"'
wait_for_line watch.out "MSG rule/out " || fail "the topic rule did not see the shadow: $(cat watch.out)"
check watch.out rule/out 'j == {"temp": 21, "thing": "lamp"}'

# Another thing's shadow is out of the device's reach: publish and subscribe are denied (the
# connection dropped), and no shadow of 'fan' came to be.
expect_dropped device.crt device.key -q 1 -i lamp -t '$aws/things/fan/shadow/update' \
  -m '{"state":{"desired":{"x":1}}}'
if timeout 10 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert device.crt \
  --key device.key -i lamp -t '$aws/things/fan/shadow/update/accepted' -C 1 -W 3 >fan-sub.out 2>&1; then
  fail "the device subscribed to another thing's shadow"
fi
mqtt_pub watcher.crt watcher.key -q 1 -i watcher-pub -t '$aws/things/fan/shadow/get' -m ''
wait_for_line watch.out 'MSG $aws/things/fan/shadow/get/rejected ' || fail "no answer for fan"
grep -q 'MSG $aws/things/fan/shadow/update/accepted' watch.out && fail "the device updated fan's shadow"
check watch.out '$aws/things/fan/shadow/get/rejected' 'j["code"] == 404'
pass
