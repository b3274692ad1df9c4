#!/usr/bin/env bash
# The iot-data plane on the API port with the real aws CLI (`aws iot-data --endpoint-url`) and
# boto3's `iot-data` client: Publish reaching a mosquitto_sub subscriber, retained messages read
# back with GetRetainedMessage (user properties included) and paged with ListRetainedMessages,
# and AWS's errors for bad input.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
data() { aws --endpoint-url "$API" --output json iot-data "$@"; }

make_watcher watcher
start_sub sensors watcher.crt watcher.key watcher-sensors 'sensors/#' -q 1

data publish --topic sensors/1 --qos 1 --payload '{"t":21.5}'
wait_for_line sensors.out 'MSG sensors/1 {"t":21.5}' || fail "the publish did not arrive: $(cat sensors.out)"

# Retained, with user properties: GetRetainedMessage gives them back as base64 of the JSON array.
data publish --topic lamp/state --qos 1 --retain --payload on \
  --user-properties '[{"room":"kitchen"},{"floor":"1"}]' --content-type text/plain
data get-retained-message --topic lamp/state >lamp.json
expect_eq "$(json_get lamp.json 'j["topic"]')" lamp/state "retained topic"
expect_eq "$(json_get lamp.json '__import__("base64").b64decode(j["payload"]).decode()')" on "retained payload"
expect_eq "$(json_get lamp.json 'j["qos"]')" 1 "retained qos"
expect_eq "$(json_get lamp.json '__import__("base64").b64decode(j["userProperties"]).decode()')" \
  '[{"room":"kitchen"},{"floor":"1"}]' "retained user properties"
json_get lamp.json 'j["lastModifiedTime"] > 1600000000000' | grep -q true || fail "lastModifiedTime: $(cat lamp.json)"

# A subscriber to the exact topic gets the retained message on subscribe.
start_sub lamp watcher.crt watcher.key watcher-lamp lamp/state -q 1
wait_for_line lamp.out "MSG lamp/state on" || fail "no retained delivery: $(cat lamp.out)"

# boto3: every Publish member, GetRetainedMessage, its paginator, errors; it leaves five
# retained topics list/… behind.
python3 "$(dirname "$0")/iot_data_boto3.py" "$API" || fail "boto3 iot-data checks failed"
wait_for_line sensors.out 'MSG sensors/boto3 from boto3' || fail "boto3's publish did not arrive"

# The CLI pages through them two at a time, or stops after two with a NextToken.
data list-retained-messages --page-size 2 >all.json
expect_eq "$(json_get all.json '[t["topic"] for t in j["retainedTopics"]]')" \
  '["lamp/state", "list/a", "list/b", "list/c", "list/c/1", "list/d"]' "all retained topics"
expect_eq "$(json_get all.json '[t["payloadSize"] for t in j["retainedTopics"]]')" \
  '[2, 1, 1, 1, 3, 1]' "payload sizes"
data list-retained-messages --max-items 2 >first.json
json_get first.json 'j["NextToken"]' >/dev/null || fail "no NextToken: $(cat first.json)"

# An empty retained payload deletes the message.
data publish --topic list/d --retain
expect_aws_error ResourceNotFoundException iot-data get-retained-message --topic list/d

# Bad input gets AWS's error (boto3 went through the rest).
expect_aws_error InvalidRequestException iot-data publish --topic 'a/+/b' --payload x
expect_aws_error ForbiddenException iot-data publish --topic '$aws/events/presence/connected/x' --payload x
head -c 131073 /dev/zero | tr '\0' x >big.txt
expect_aws_error RequestEntityTooLargeException iot-data publish --topic t --payload file://big.txt
pass
