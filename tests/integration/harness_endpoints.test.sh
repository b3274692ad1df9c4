#!/usr/bin/env bash
# The harness endpoints under /_emulator/ with real clients (docs/harness.md): health names the
# endpoints; a test waits on the journal for a device's refusal "CA … is INACTIVE" and for the
# JITR Python handler's own log line; a reset between two "tests" leaves nothing behind (aws iot
# and lambda list calls empty, the old device certificate refused by mosquitto_pub, nothing back
# after a restart on the same data dir) while the server's CA stays the same.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

health=$(harness health)
expect_eq "$(json_get - 'j["status"]' <<<"$health")" ok "health status"
expect_eq "$(json_get - 'j["endpoints"]["mqtt_port"]' <<<"$health")" "$MQTT_PORT" "health's MQTT port"
expect_eq "$(json_get - 'j["endpoints"]["api_endpoint"]' <<<"$health")" "$API" "health's API endpoint"
expect_eq "$(json_get - 'j["endpoints"]["server_ca_file"]' <<<"$health")" "$SERVER_CA" \
  "health's server CA file"
json_get - 'j["version"]' <<<"$health" | grep -qE '^[0-9]+\.[0-9]+' || fail "health has no version"
server_ca_sha=$(sha256sum <"$SERVER_CA")

# ---- "test 1": a refusal and a Lambda's log line, read from the journal ----------------------
start=$(journal_cursor)

make_ca sleepy "/O=Fleet/CN=Sleepy CA"
sleepy_id=$(register_ca_with_verification sleepy --allow-auto-registration)  # INACTIVE
make_signed d-sleepy "/CN=d-sleepy" sleepy
expect_dropped d-sleepy.crt d-sleepy.key -t t -i d-sleepy
refused=$(journal_until "$start" connect.refused "e['certificateId'] == '$(certificate_id d-sleepy.crt)'")
expect_eq "$(json_get - 'j["reason"]' <<<"$refused")" "CA $sleepy_id is INACTIVE" \
  "the refusal's reason"

register_jitr_ca jitr-ca "/O=Fleet/CN=JITR CA"
function_arn=$(deploy_function jitr python3.11 lambda_function.lambda_handler jitr_workshop_python \
  --timeout 30)
iot create-topic-rule --rule-name JITRRule --topic-rule-payload "{
  \"sql\": \"SELECT * FROM '\$aws/events/certificates/registered/#'\",
  \"actions\": [{\"lambda\": {\"functionArn\": \"$function_arn\"}}]}"
make_signed device "/CN=harness-device" jitr-ca
cat device.crt jitr-ca.pem >deviceAndCA.crt
device_id=$(certificate_id device.crt)
before_device=$(journal_cursor)
expect_dropped deviceAndCA.crt device.key -q 1 -t t -i harness-device
invoked=$(journal_until "$before_device" lambda. \
  "any('provisioned harness-device with certificate $device_id' in l for l in e['logLines'])")
expect_eq "$(json_get - '[j["functionName"], j["result"]]' <<<"$invoked")" '["jitr", "success"]' \
  "the handler's invocation"
registered=$(harness "journal?after=$before_device&kind=certificate.registered")
expect_eq "$(json_get - '[e["how"] for e in j["events"]]' <<<"$registered")" '["jitr"]' \
  "how the certificate was registered"
fired=$(harness "journal?after=$before_device&kind=rule.fired")
expect_eq "$(json_get - 'j["events"][0]["ruleName"]' <<<"$fired")" JITRRule "the rule that fired"

wait_for_status "$device_id" ACTIVE
mqtt_pub device.crt device.key -q 1 -t dt/harness-device/hello -i harness-device -m hi ||
  fail "the provisioned device could not publish"
after_publish=$(harness "journal?after=$before_device&kind=connect.accepted")
expect_eq "$(json_get - '[(e["clientId"], e["certificateId"], e["protocol"]) for e in j["events"]]' \
  <<<"$after_publish")" "[[\"harness-device\", \"$device_id\", \"3.1.1\"]]" "the accepted connect"
ended=$(journal_until "$before_device" disconnect "e['clientId'] == 'harness-device'")
expect_eq "$(json_get - 'j["reason"]' <<<"$ended")" CLIENT_INITIATED_DISCONNECT \
  "the disconnect's reason"

# State the reset must clear beyond the registry: a retained message, a shadow and a persistent
# session.
shadow_status() { curl -sS -o /dev/null -w '%{http_code}' "$API/things/harness-device/shadow"; }
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$API/things/harness-device/shadow" \
  -d '{"state":{"reported":{"temp":21}}}')" 200 "UpdateThingShadow before reset"
make_watcher watcher
mqtt_pub watcher.crt watcher.key -q 1 -r -t keep/this -i retainer -m kept
aws --endpoint-url "$API" iot-data get-retained-message --topic keep/this >/dev/null ||
  fail "no retained message to reset"
start_sub persistent watcher.crt watcher.key persistent-watcher 'dt/#' -q 1 -c

# ---- reset ------------------------------------------------------------------------------------
before_reset=$(journal_cursor)
harness reset -X POST >/dev/null
for list in "list-ca-certificates certificates" "list-certificates certificates" \
  "list-things things" "list-policies policies" "list-topic-rules rules"; do
  set -- $list
  expect_eq "$(iot "$1" | json_get - "len(j[\"$2\"])")" 0 "$1 after reset"
done
expect_eq "$(lambda_cli list-functions | json_get - 'len(j["Functions"])')" 0 "list-functions after reset"
expect_aws_error ResourceNotFoundException iot-data get-retained-message --topic keep/this
expect_eq "$(shadow_status)" 404 "GetThingShadow after reset"
kicked=$(journal_until "$before_reset" disconnect "e['clientId'] == 'persistent-watcher'")
expect_eq "$(json_get - 'j["reason"]' <<<"$kicked")" SERVER_INITIATED_DISCONNECT \
  "why reset dropped the connected client"
kill "${SUB_PIDS[-1]}" 2>/dev/null || true  # it would only come back with an unknown certificate

# ---- "test 2": the old device is a stranger now; the server's TLS identity is unchanged ------
start=$(journal_cursor)
expect_dropped device.crt device.key -q 1 -t t -i harness-device
refused=$(journal_until "$start" connect.refused "e['certificateId'] == '$device_id'")
expect_eq "$(json_get - 'j["reason"]' <<<"$refused")" "issuer not a registered CA" \
  "the old certificate's refusal after reset"
expect_eq "$(sha256sum <"$SERVER_CA")" "$server_ca_sha" "the server CA after reset"
make_watcher watcher2  # a new certificate works against the same server CA
mqtt_pub watcher2.crt watcher2.key -q 1 -t after/reset -i watcher2 -m ok ||
  fail "a client trusting the same server CA cannot connect after reset"

# A long-poll with nothing to wait for ends at its deadline with the cursor where it was.
now=$(journal_cursor)
empty=$(harness "journal?after=$now&kind=nothing.&wait=1")
expect_eq "$(json_get - '[len(j["events"]), j["cursor"] >= '"$now"']' <<<"$empty")" '[0, true]' \
  "a long-poll that timed out"
# Bad members get AWS's error shape.
for query in "after=-1" "wait=31" "limit=0" "after=x"; do
  status=$(curl -sS -D bad.head -o bad.json -w '%{http_code}' "$API/_emulator/journal?$query")
  expect_eq "$status" 400 "journal?$query"
  grep -qi '^x-amzn-ErrorType: InvalidRequestException' bad.head ||
    fail "journal?$query: $(cat bad.head bad.json)"
done
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$API/_emulator/health")" 404 \
  "POST /_emulator/health"

# The durable store was cleared too: after a restart on the same data dir only watcher2 is back.
stop_emulator
start_emulator
expect_eq "$(iot list-certificates | json_get - 'len(j["certificates"])')" 1 \
  "certificates after reset and restart"
expect_eq "$(iot list-ca-certificates | json_get - 'len(j["certificates"])')" 0 \
  "CA certificates after reset and restart"
expect_eq "$(lambda_cli list-functions | json_get - 'len(j["Functions"])')" 0 \
  "functions after reset and restart"
expect_eq "$(shadow_status)" 404 "GetThingShadow after reset and restart"
expect_eq "$(sha256sum <"$SERVER_CA")" "$server_ca_sha" "the server CA after restart"
pass
