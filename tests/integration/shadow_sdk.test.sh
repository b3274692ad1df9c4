#!/usr/bin/env bash
# The Device Shadow service with AWS's own device SDK v2 for JavaScript (docs/aws/data-plane.md
# §4): IotShadowClientv2 over MQTT 5, with a policy scoped by ${iot:Connection.Thing.ThingName},
# updates desired, receives the delta on its stream, reports, reads the shadow back, uses a
# named shadow, sees a missing one rejected with AWS's 404, and deletes (node/shadow.js); the
# shadows survive a restart on the same data dir.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -d $HERE/node/node_modules ]] || fail "no $HERE/node/node_modules: run scripts/setup --test"
start_emulator
cd "$WORK"

iot create-thing --thing-name sdk-lamp >/dev/null
iot create-keys-and-certificate --set-as-active >device.json
json_get device.json 'j["certificatePem"]' >device.crt
json_get device.json 'j["keyPair"]["PrivateKey"]' >device.key
device_arn=$(json_get device.json 'j["certificateArn"]')
iot attach-thing-principal --thing-name sdk-lamp --principal "$device_arn"
# AWS's example shadow policy (DG device-shadow-mqtt), scoped by the connected thing's name.
iot create-policy --policy-name shadow-sdk --policy-document "file://$FIXTURES/shadow/device-policy.json" >/dev/null
iot attach-policy --policy-name shadow-sdk --target "$device_arn"

python3 -c 'import json,sys; print(json.dumps(dict(host=sys.argv[1], port=int(sys.argv[2]), ca=sys.argv[3], cert="device.crt", key="device.key", thing="sdk-lamp")))' \
  "$MQTT_HOST" "$MQTT_PORT" "$SERVER_CA" >config.json
timeout 120 node "$HERE/node/shadow.js" config.json >sdk.out 2>&1 || fail "the SDK's shadow flow: $(cat sdk.out)"
grep -q '^FAIL' sdk.out && fail "$(cat sdk.out)"

# Shadows are state: after a restart on the same data dir the named shadow answers as before, and
# the deleted classic one is still deleted.
stop_emulator
start_emulator
aws --endpoint-url "$API" --output json iot-data get-thing-shadow --thing-name sdk-lamp \
  --shadow-name config config.json >/dev/null || fail "the named shadow did not survive a restart"
expect_eq "$(json_get config.json 'j["state"]["reported"]["mode"]')" eco "the named shadow after a restart"
expect_aws_error ResourceNotFoundException iot-data get-thing-shadow --thing-name sdk-lamp out.json
pass
