#!/usr/bin/env bash
# iot-data's shadow operations (docs/aws/data-plane.md §4.8): on the API port with the real aws
# CLI — update-thing-shadow and get-thing-shadow on a named and the classic shadow,
# list-named-shadows-for-thing with pages, delete-thing-shadow, and AWS's exceptions (stale
# version, missing shadow, bad document), a REST update reaching MQTT subscribers as
# /update/accepted and /update/documents, as on AWS; and on the HTTPS data plane with curl and a
# client certificate, under the policy's iot:*ThingShadow actions.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

data() { aws --endpoint-url "$API" --output json iot-data "$@"; }
# update NAME_ARGS… PAYLOAD: update-thing-shadow, the answer in update.json.
update() {
  data update-thing-shadow --thing-name lamp \
    "${@:1:$#-1}" --payload "${!#}" update.json >/dev/null
}
# check FILE PYTHON: the JSON document in FILE, as `j`, satisfies PYTHON.
check() {
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert eval(sys.argv[2]), j' "$1" "$2" ||
    fail "$1: expected $2, got: $(cat "$1")"
}

make_watcher watcher
start_sub watch watcher.crt watcher.key watcher-sub '$aws/things/lamp/shadow/name/+/update/+' -q 1

update --shadow-name config '{"state":{"desired":{"mode":"eco","fan":{"speed":2}}},"clientToken":"c-1"}'
check update.json 'j["version"] == 1 and j["clientToken"] == "c-1" and j["state"]["desired"]["mode"] == "eco" and isinstance(j["metadata"]["desired"]["fan"]["speed"]["timestamp"], int)'
update --shadow-name config '{"state":{"reported":{"mode":"eco","fan":{"speed":1}}},"version":1}'
check update.json 'j["version"] == 2'
data get-thing-shadow --thing-name lamp --shadow-name config get.json >/dev/null
check get.json 'j["version"] == 2 and j["state"]["delta"] == {"fan": {"speed": 2}} and j["state"]["reported"]["mode"] == "eco" and set(j["metadata"]) == {"desired", "reported"}'

# The REST updates were published to MQTT subscribers as well.
wait_for_count watch.out 'MSG $aws/things/lamp/shadow/name/config/update/documents ' 2 ||
  fail "REST updates did not reach MQTT: $(cat watch.out)"
grep -qF 'MSG $aws/things/lamp/shadow/name/config/update/accepted {' watch.out ||
  fail "no /update/accepted for the REST update: $(cat watch.out)"

# The classic shadow is another document; the list names only the named shadows, in pages.
update '{"state":{"reported":{"on":true}}}'
check update.json 'j["version"] == 1'
for name in alpha beta; do update --shadow-name "$name" '{"state":{"reported":{"n":1}}}'; done
data list-named-shadows-for-thing --thing-name lamp >list.json
check list.json 'j["results"] == ["alpha", "beta", "config"] and "nextToken" not in j and isinstance(j["timestamp"], int)'
data list-named-shadows-for-thing --thing-name lamp --page-size 2 >page1.json
check page1.json 'j["results"] == ["alpha", "beta"] and j["nextToken"]'
data list-named-shadows-for-thing --thing-name lamp --page-size 2 \
  --next-token "$(json_get page1.json 'j["nextToken"]')" >page2.json
check page2.json 'j["results"] == ["config"] and "nextToken" not in j'
data list-named-shadows-for-thing --thing-name nobody >none.json
check none.json 'j["results"] == []'

# AWS's exceptions, with AWS's messages.
expect_aws_error ConflictException iot-data update-thing-shadow --thing-name lamp --shadow-name config \
  --payload '{"state":{"desired":{"mode":"off"}},"version":1}' out.json
expect_aws_error InvalidRequestException iot-data update-thing-shadow --thing-name lamp \
  --payload '{"state":{"delta":{}}}' out.json
expect_aws_error InvalidRequestException iot-data update-thing-shadow --thing-name lamp \
  --payload 'not json' out.json
expect_aws_error ResourceNotFoundException iot-data get-thing-shadow --thing-name lamp \
  --shadow-name missing out.json
out=$(data get-thing-shadow --thing-name fan out.json 2>&1) && fail "a missing classic shadow was found"
[[ $out == *"No shadow exists with name: 'fan'"* ]] || fail "the 404's message: $out"

# Delete answers the last version; the shadow is gone from get and the list.
data delete-thing-shadow --thing-name lamp --shadow-name config delete.json >/dev/null
check delete.json 'j["version"] == 2 and isinstance(j["timestamp"], int)'
expect_aws_error ResourceNotFoundException iot-data get-thing-shadow --thing-name lamp \
  --shadow-name config out.json
expect_aws_error ResourceNotFoundException iot-data delete-thing-shadow --thing-name lamp \
  --shadow-name config out.json
data list-named-shadows-for-thing --thing-name lamp >list.json
check list.json 'j["results"] == ["alpha", "beta"]'

# The HTTPS data plane with a client certificate: the policy's iot:*ThingShadow actions on the
# thing decide, as on AWS; the MQTT topics' actions are no grant for REST.
iot create-keys-and-certificate --set-as-active >device.json
json_get device.json 'j["certificatePem"]' >device.crt
json_get device.json 'j["keyPair"]["PrivateKey"]' >device.key
cat >device-policy.json <<'JSON'
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["iot:GetThingShadow","iot:UpdateThingShadow"],"Resource":["arn:aws:iot:us-east-1:123456789012:thing/lamp","arn:aws:iot:us-east-1:123456789012:thing/lamp/*"]},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:us-east-1:123456789012:topic/$aws/things/*"}]}
JSON
iot create-policy --policy-name shadow-https --policy-document file://device-policy.json >/dev/null
iot attach-policy --policy-name shadow-https --target "$(json_get device.json 'j["certificateArn"]')"
# https METHOD PATH [BODY]: prints the status; the body lands in https.json.
https() {
  curl -sS --cacert "$SERVER_CA" --cert device.crt --key device.key -o https.json \
    -w '%{http_code}' -X "$1" "https://$MQTT_HOST:$HTTPS_PORT$2" ${3:+--data-binary "$3"}
}
expect_eq "$(https POST '/things/lamp/shadow?name=https' '{"state":{"reported":{"via":"https"}}}')" 200 \
  "UpdateThingShadow over HTTPS"
check https.json 'j["version"] == 1 and j["state"] == {"reported": {"via": "https"}} and "traceId" not in j'
expect_eq "$(https GET '/things/lamp/shadow?name=https')" 200 "GetThingShadow over HTTPS"
check https.json 'j["state"]["reported"]["via"] == "https" and j["version"] == 1'
expect_eq "$(https GET '/things/lamp/shadow?name=missing')" 404 "a missing shadow over HTTPS"
expect_eq "$(https GET /things/fan/shadow)" 403 "another thing's shadow over HTTPS"
expect_eq "$(https DELETE '/things/lamp/shadow?name=https')" 403 "DeleteThingShadow without the action"
expect_eq "$(curl -sS --cacert "$SERVER_CA" -o https.json -w '%{http_code}' \
  "https://$MQTT_HOST:$HTTPS_PORT/things/lamp/shadow?name=https")" 401 "no client certificate"
data get-thing-shadow --thing-name lamp --shadow-name https get.json >/dev/null
check get.json 'j["state"]["reported"]["via"] == "https"'
pass
