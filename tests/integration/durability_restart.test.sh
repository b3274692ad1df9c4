#!/usr/bin/env bash
# Durable state (docs/state.md): a JITR storm of paho devices with the workshop's Lambda handler
# activating them, kill -9 in the middle, a restart on the same data dir and ports. Every
# certificate the API listed or a registration event announced is there with its status (an
# ACTIVE one still ACTIVE), none twice; the devices that had not finished onboard with their old
# certificates; the topic rule, the retained message and the server CA are the same; a
# persistent session (mosquitto_sub -c) gets the QoS 1 messages queued for it before the kill;
# a function made with `aws lambda create-function` still handles its rule's events. A second
# emulator on the data dir, and a data dir from a newer schema version, are refused.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
PAHO_PYTHON=python3
python3 -c 'import paho.mqtt, cryptography' 2>/dev/null || PAHO_PYTHON=/usr/bin/python3
DEVICES=16
FUNCTION="jitr=python3.11:lambda_function.lambda_handler:$FIXTURES/handlers/jitr_workshop_python"
start_emulator --function "$FUNCTION"
cd "$WORK"
ports=(--api-port "${API##*:}" --mqtt-port "$MQTT_PORT" --https-port "$HTTPS_PORT" --alpn-port "$ALPN_PORT")
ca_before=$(sha256sum <"$SERVER_CA")

register_jitr_ca fleet "/O=Durable/CN=Durable Fleet CA" ec
iot create-topic-rule --rule-name JITRRule --topic-rule-payload "{
  \"sql\": \"SELECT * FROM '\$aws/events/certificates/registered/#' WHERE certificateStatus = \\\"PENDING_ACTIVATION\\\"\",
  \"actions\": [{\"lambda\": {\"functionArn\": \"arn:aws:lambda:us-east-1:123456789012:function:jitr\"}}]}"
make_watcher watcher
start_sub events watcher.crt watcher.key watcher-events '$aws/events/certificates/registered/#' -q 1
mqtt_pub watcher.crt watcher.key -q 1 -r -i watcher-retain -t state/lamp -m on ||
  fail "the retained publish was not acknowledged"

# A persistent session subscribes and goes offline; three QoS 1 messages are PUBACKed for it.
durable_sub() {  # durable_sub ARGS…: the persistent session's client
  timeout 20 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert watcher.crt \
    --key watcher.key -c -i watcher-offline -q 1 -t 'cmd/#' "$@"
}
durable_sub -E || fail "the persistent session did not subscribe"
for n in 1 2 3; do
  mqtt_pub watcher.crt watcher.key -q 1 -i watcher-cmd -t "cmd/$n" -m "queued-$n" ||
    fail "the QoS 1 publish $n was not acknowledged"
done

# A function created with the API, and a rule that runs it: it answers on durable/pong.
mkdir pong && cat >pong/lambda_function.py <<'PY'
import json, boto3
def lambda_handler(event, context):
    boto3.client("iot-data").publish(topic="durable/pong", qos=1, payload=json.dumps(event))
PY
(cd pong && zip -q ../pong.zip lambda_function.py)
aws --endpoint-url "$API" lambda create-function --function-name pong --runtime python3.12 \
  --handler lambda_function.lambda_handler --role arn:aws:iam::123456789012:role/pong \
  --zip-file fileb://pong.zip >/dev/null || fail "create-function"
iot create-topic-rule --rule-name PongRule --topic-rule-payload '{
  "sql": "SELECT * FROM '"'durable/ping'"'",
  "actions": [{"lambda": {"functionArn": "arn:aws:lambda:us-east-1:123456789012:function:pong"}}]}'

storm() {
  "$PAHO_PYTHON" "$here/durability_storm.py" "$1" "$WORK" localhost "$MQTT_PORT" "$SERVER_CA" "${@:2}"
}
"$PAHO_PYTHON" "$here/durability_storm.py" mint "$WORK" fleet.pem fleet.key "$DEVICES"

# The storm in two waves: the handler is activating the first wave when the second comes, one
# device at a time; right after the second wave's second device was registered, the storm script
# takes what ListCertificatesByCA answers — the promise to keep — and sends kill -9 at once. At
# that moment certificates are ACTIVE, PENDING_ACTIVATION, and not registered at all.
half=$((DEVICES / 2))
storm storm 0 "$half" >storm-1.out 2>&1
deadline=$((SECONDS + 120))
until (($(iot list-certificates-by-ca --ca-certificate-id "$CA_ID" |
  json_get - 'sum(c["status"] == "ACTIVE" for c in j["certificates"])') >= 2)); do
  ((SECONDS < deadline)) || fail "the handler activated fewer than 2 devices in 120 s"
  sleep 0.05
done
storm storm-and-kill "$half" "$DEVICES" "$API" "$CA_ID" "$EMULATOR_PID" acknowledged.txt \
  >storm-2.out 2>&1 || fail "the second wave: $(cat storm-2.out)"
wait "$EMULATOR_PID" 2>/dev/null || true
EMULATOR_PID=""
cp events.out events-before-kill.out  # nothing more can come from the killed emulator
pending_at_kill=$(grep -vc ' ACTIVE$' acknowledged.txt || true)
echo "at kill -9: $(wc -l <acknowledged.txt) certificates listed, $pending_at_kill not ACTIVE," \
  "$(grep -c '^MSG' events-before-kill.out || true) registration events received"

start_emulator --function "$FUNCTION" "${ports[@]}"
expect_eq "$(sha256sum <"$SERVER_CA")" "$ca_before" "the server CA after the restart"
expect_eq "$(iot describe-ca-certificate --certificate-id "$CA_ID" |
  json_get - 'j["certificateDescription"]["autoRegistrationStatus"]')" ENABLE "the CA's auto-registration"
by_ca() {
  iot list-certificates-by-ca --ca-certificate-id "$CA_ID" --page-size 250 |
    json_get - '"\n".join(c["certificateId"] + " " + c["status"] for c in j["certificates"])'
}
by_ca >restarted.txt
while read -r id status; do
  now=$(grep "^$id " restarted.txt | cut -d' ' -f2) || fail "certificate $id ($status) was lost"
  [[ $status != ACTIVE || $now == ACTIVE ]] || fail "certificate $id went from ACTIVE to $now"
done <acknowledged.txt
for id in $(sed -n 's/^MSG [^ ]* //p' events-before-kill.out |
  python3 -c 'import json,sys; [print(json.loads(l)["certificateId"]) for l in sys.stdin]'); do
  grep -q "^$id " restarted.txt || fail "certificate $id, whose registration event went out, was lost"
done
iot get-topic-rule --rule-name JITRRule >/dev/null || fail "the topic rule was lost"

start_sub hello watcher.crt watcher.key watcher-hello 'dt/#' -q 1
"$PAHO_PYTHON" "$here/durability_storm.py" onboard "$WORK" localhost "$MQTT_PORT" "$SERVER_CA" \
  "$DEVICES" 240 || fail "not every device onboarded after the restart"
wait_for_count hello.out 'MSG dt/durable-device-' "$DEVICES" 30 || fail "hellos missing: $(cat hello.out)"

by_ca >final.txt
expect_eq "$(wc -l <final.txt)" "$DEVICES" "certificates under the CA (one per device, none twice)"
expect_eq "$(cut -d' ' -f1 final.txt | sort -u | wc -l)" "$DEVICES" "distinct certificate ids"
expect_eq "$(grep -c ' ACTIVE$' final.txt)" "$DEVICES" "ACTIVE certificates"
expect_eq "$(iot list-things | json_get - 'len([t for t in j["things"] if t["thingName"].startswith("durable-device-")])')" \
  "$DEVICES" "things"

timeout 20 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert watcher.crt \
  --key watcher.key -i watcher-lamp -t state/lamp -C 1 -F '%t %p %r' >lamp.out ||
  fail "the retained message was not delivered after the restart"
expect_eq "$(cat lamp.out)" "state/lamp on 1" "the retained message after the restart"

durable_sub -C 3 -F '%t %p' >queued.out || fail "queued messages after the restart: $(cat queued.out)"
expect_eq "$(cat queued.out)" "$(printf 'cmd/1 queued-1\ncmd/2 queued-2\ncmd/3 queued-3')" \
  "the persistent session's queued QoS 1 messages after the restart"

start_sub pong watcher.crt watcher.key watcher-pong durable/pong -q 1
mqtt_pub watcher.crt watcher.key -q 1 -i watcher-ping -t durable/ping -m '{"n": 7}' ||
  fail "the ping was not acknowledged"
wait_for_count pong.out 'MSG durable/pong {"n": 7}' 1 30 ||
  fail "the function created before the restart did not answer: $(cat pong.out)"

# A second emulator on the same data dir is refused while the first runs; a state.db written by
# a newer schema version is refused and left as it is.
refused() {  # refused MESSAGE: starting on $DATA_DIR fails with status 1 and MESSAGE
  local status=0
  "$IOTEMU_BIN" --api-port 0 --mqtt-port 0 --https-port 0 --alpn-port off --data-dir "$DATA_DIR" \
    2>err.txt >/dev/null || status=$?
  expect_eq "$status" 1 "exit status ($1)"
  grep -q "$1" err.txt || fail "expected '$1' in: $(cat err.txt)"
}
refused "is in use by another iot-emulator"
stop_emulator
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version=99")' \
  "$DATA_DIR/state.db"
refused "has schema version 99, written by a newer iot-emulator"
pass
