#!/usr/bin/env bash
# The policy debugging APIs (docs/aws/provisioning-and-services.md §4) with the aws CLI:
# test-authorization agrees with what the broker does to mosquitto clients over MQTT 5 (allowed,
# implicitly denied, explicitly denied; PUBLISH, SUBSCRIBE and CONNECT), honours
# --policy-names-to-add/--policy-names-to-skip and a thing group's policy; get-effective-policies,
# list-policy-principals and list-targets-for-policy match the attachments; bad input gets AWS's
# errors.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
A=arn:aws:iot:us-east-1:123456789012

# The set-up, in one boto3 session (the aws CLI would take a process per call): a certificate with
# policies "device" and "no-secrets" attached; "extra" and "fleet" exist unattached.
python3 - "$API" "$A" <<'EOF_PY'
import boto3, json, sys
api, A = sys.argv[1:]
iot = boto3.client("iot", endpoint_url=api)
made = iot.create_keys_and_certificate(setAsActive=True)
open("device.crt", "w").write(made["certificatePem"])
open("device.key", "w").write(made["keyPair"]["PrivateKey"])
open("cert_arn", "w").write(made["certificateArn"])
def policy(name, *statements):
    iot.create_policy(policyName=name, policyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [dict(zip(("Effect", "Action", "Resource"), s))
                                                for s in statements]}))
policy("device", ("Allow", "iot:Connect", f"{A}:client/dev-*"),
       ("Allow", ["iot:Publish", "iot:Receive"], f"{A}:topic/dev/*"),
       ("Allow", "iot:Subscribe", f"{A}:topicfilter/dev/*"))
policy("no-secrets", ("Deny", ["iot:Publish", "iot:Subscribe"],
                      [f"{A}:topic/dev/secret", f"{A}:topicfilter/dev/secret"]))
policy("extra", ("Allow", "iot:Publish", f"{A}:topic/extra"))
policy("fleet", ("Allow", "iot:Publish", f"{A}:topic/fleet/${{iot:Connection.Thing.ThingName}}"))
for name in ("device", "no-secrets"):
    iot.attach_policy(policyName=name, target=made["certificateArn"])
EOF_PY
cert_arn=$(cat cert_arn)

# test_authorization FILE [ARGS…] -- ACTION:RESOURCE…: one test-authorization call as dev-1 with
# one authInfo per ACTION:RESOURCE; the answer in FILE.
test_authorization() {
  local file=$1; shift
  local args=() infos=()
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  shift
  for info in "$@"; do infos+=("{\"actionType\":\"${info%%:*}\",\"resources\":[\"$A:${info#*:}\"]}"); done
  iot test-authorization --principal "$cert_arn" "${args[@]}" \
    --auth-infos "[$(IFS=,; echo "${infos[*]}")]" >"$file"
}
# decision FILE N: the authDecision of the Nth authInfo (from 0).
decision() { json_get "$1" "j['authResults'][$2]['authDecision']"; }
# policies FILE N LIST: the policy names in allowed, implicitDeny or explicitDeny of the Nth.
policies() {
  json_get "$1" "sorted(p['policyName'] for p in (j['authResults'][$2]['allowed'] if '$3' == 'allowed' else j['authResults'][$2]['denied']['$3'])['policies'])"
}
# broker_publish TOPIC [CLIENT_ID]: the PUBACK reason code mosquitto_pub (MQTT 5) receives, or
# "connack:<reason>" when the CONNECT is refused; its whole output is in pub.out.
broker_publish() {
  timeout 20 mosquitto_pub -V mqttv5 -d -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" \
    --cert device.crt --key device.key -i "${2:-dev-1}" -q 1 -t "$1" -m x >pub.out 2>&1 || true
  sed -n 's/.*received PUBACK.*RC:\([0-9]*\).*/\1/p;s/^Connection error: \(.*\)/connack:\1/p' pub.out
}
# broker_subscribe FILTER: the SUBACK reason code mosquitto_sub (MQTT 5) receives; output in sub.out.
broker_subscribe() {
  timeout 20 mosquitto_sub -V mqttv5 -d -E -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" \
    --cert device.crt --key device.key -i dev-1 -t "$1" >sub.out 2>&1 || true
  sed -n 's/^Subscribed (mid: [0-9]*): \([0-9]*\)$/\1/p' sub.out
}

# What test-authorization says for dev-1, next to what the broker does (MQTT 5: PUBACK and SUBACK
# 0x87 = 135 when denied, 0 when allowed; CONNACK "Not authorized").
test_authorization answer.json --client-id dev-1 -- PUBLISH:topic/dev/a PUBLISH:topic/other \
  PUBLISH:topic/dev/secret SUBSCRIBE:topicfilter/dev/+ 'SUBSCRIBE:topicfilter/other/#' \
  SUBSCRIBE:topicfilter/dev/secret CONNECT:client/dev-1 CONNECT:client/intruder
expect_eq "$(decision answer.json 0)" ALLOWED "publish dev/a"
expect_eq "$(broker_publish dev/a)" 0 "the broker's PUBACK for dev/a: $(cat pub.out)"
expect_eq "$(policies answer.json 0 allowed)" '["device"]' "publish dev/a allowed by"
expect_eq "$(policies answer.json 0 implicitDeny)" '["no-secrets"]' "publish dev/a silent"
expect_eq "$(decision answer.json 1)" IMPLICIT_DENY "publish other"
expect_eq "$(broker_publish other)" 135 "the broker's PUBACK for other: $(cat pub.out)"
expect_eq "$(policies answer.json 1 implicitDeny)" '["device", "no-secrets"]' "publish other silent"
expect_eq "$(decision answer.json 2)" EXPLICIT_DENY "publish dev/secret"
expect_eq "$(broker_publish dev/secret)" 135 "the broker's PUBACK for dev/secret: $(cat pub.out)"
expect_eq "$(policies answer.json 2 explicitDeny)" '["no-secrets"]' "publish dev/secret denied by"
expect_eq "$(json_get answer.json 'j["authResults"][2]["denied"]["explicitDeny"]["policies"][0]["policyArn"]')" \
  "$A:policy/no-secrets" "the denying policy's ARN"
expect_eq "$(decision answer.json 3)" ALLOWED "subscribe dev/+"
expect_eq "$(broker_subscribe 'dev/+')" 0 "the broker's SUBACK for dev/+: $(cat sub.out)"
expect_eq "$(decision answer.json 4)" IMPLICIT_DENY "subscribe other/#"
expect_eq "$(broker_subscribe 'other/#')" 135 "the broker's SUBACK for other/#: $(cat sub.out)"
expect_eq "$(decision answer.json 5)" EXPLICIT_DENY "subscribe dev/secret"
expect_eq "$(broker_subscribe dev/secret)" 135 "the broker's SUBACK for dev/secret: $(cat sub.out)"
expect_eq "$(decision answer.json 6)" ALLOWED "connect dev-1"
expect_eq "$(decision answer.json 7)" IMPLICIT_DENY "connect intruder"
expect_eq "$(broker_publish dev/a intruder)" "connack:Not authorized" \
  "the broker's CONNACK for intruder: $(cat pub.out)"
expect_eq "$(json_get answer.json 'j["authResults"][7]["authInfo"]')" \
  "{\"actionType\": \"CONNECT\", \"resources\": [\"$A:client/intruder\"]}" "the authInfo echoed"

# Simulated attachments and detachments change the answer, not the attachments.
test_authorization simulated.json --policy-names-to-add extra --policy-names-to-skip no-secrets \
  -- PUBLISH:topic/extra PUBLISH:topic/dev/secret
expect_eq "$(decision simulated.json 0)/$(decision simulated.json 1)" ALLOWED/ALLOWED \
  "with extra added and no-secrets skipped"
expect_eq "$(broker_publish dev/secret)" 135 "the broker after a simulation: $(cat pub.out)"

# A thing group's policy applies when the client id names the certificate's thing, with the thing
# variables resolved — in test-authorization and in the broker alike.
python3 - "$API" "$A" "$cert_arn" <<'EOF_PY'
import boto3, sys
api, A, cert_arn = sys.argv[1:]
iot = boto3.client("iot", endpoint_url=api)
iot.create_thing(thingName="dev-1")
iot.attach_thing_principal(thingName="dev-1", principal=cert_arn)
iot.create_thing_group(thingGroupName="fleet")
iot.create_thing_group(thingGroupName="line-1", parentGroupName="fleet")
iot.add_thing_to_thing_group(thingGroupName="line-1", thingName="dev-1")
iot.attach_policy(policyName="fleet", target=f"{A}:thinggroup/fleet")
EOF_PY
test_authorization group.json --client-id dev-1 -- PUBLISH:topic/fleet/dev-1
expect_eq "$(decision group.json 0)" ALLOWED "the group policy for dev-1"
expect_eq "$(broker_publish fleet/dev-1)" 0 "the broker's PUBACK for fleet/dev-1: $(cat pub.out)"
test_authorization other.json --client-id dev-2 -- PUBLISH:topic/fleet/dev-2
expect_eq "$(decision other.json 0)" IMPLICIT_DENY "the group policy for another client id"

# get-effective-policies, list-policy-principals, list-targets-for-policy.
iot get-effective-policies --principal "$cert_arn" --thing-name dev-1 >effective.json
json_get effective.json '[p["policyName"] for p in j["effectivePolicies"]]' |
  grep -qx '\["device", "no-secrets", "fleet"\]' || fail "effective policies: $(cat effective.json)"
json_get effective.json 'json.loads(j["effectivePolicies"][2]["policyDocument"])["Statement"][0]["Effect"]' |
  grep -qx Allow || fail "policyDocument is not the document as a string"
expect_eq "$(iot list-policy-principals --policy-name device | json_get - 'j["principals"]')" \
  "[\"$cert_arn\"]" "list-policy-principals"
iot attach-policy --policy-name fleet --target "$cert_arn"
iot list-targets-for-policy --policy-name fleet --page-size 1 >page1.json
expect_eq "$(json_get page1.json 'j["targets"]')" "[\"$cert_arn\"]" "list-targets-for-policy, page 1"
iot list-targets-for-policy --policy-name fleet --page-size 1 \
  --marker "$(json_get page1.json 'j["nextMarker"]')" >page2.json
expect_eq "$(json_get page2.json '[j["targets"], "nextMarker" in j]')" \
  "[[\"$A:thinggroup/fleet\"], false]" "list-targets-for-policy, page 2"
expect_eq "$(iot list-policy-principals --policy-name fleet | json_get - 'j["principals"]')" \
  "[\"$cert_arn\"]" "a thing group is a target, not a principal"

# Bad input.
expect_aws_error ResourceNotFoundException iot test-authorization --principal "$A:cert/$(printf 'a%.0s' {1..64})" \
  --auth-infos "[{\"actionType\":\"CONNECT\",\"resources\":[\"$A:client/x\"]}]"
expect_aws_error InvalidRequestException iot test-authorization --principal "$cert_arn" \
  --auth-infos "[{\"actionType\":\"JUMP\",\"resources\":[\"$A:client/x\"]}]"
expect_aws_error InvalidRequestException iot get-effective-policies
expect_aws_error ResourceNotFoundException iot list-policy-principals --policy-name ghost
# raw_error BODY PATH CODE: a hand-made request the CLI would refuse to send gets AWS's error shape.
raw_error() {
  curl -s -D headers.txt -o error.json -X POST "$API$2" -d "$1"
  grep -qi "^x-amzn-ErrorType: $3" headers.txt || fail "$2 $1: $(cat headers.txt error.json)"
  json_get error.json 'j["message"]' >/dev/null || fail "no message for $1"
}
for body in '"nope"' '[{"actionType":"PUBLISH"}]' '[]' '[{"actionType":"PUBLISH","resources":[7]}]'; do
  raw_error '{"principal":"'$cert_arn'","authInfos":'"$body"'}' /test-authorization InvalidRequestException
done
raw_error '{"authInfos":[{"actionType":"PUBLISH","resources":["x"]}]}' /test-authorization InvalidRequestException
raw_error '{"principal":"'$cert_arn'","policyNamesToAdd":["ghost"],"authInfos":[{"actionType":"PUBLISH","resources":["x"]}]}' \
  /test-authorization ResourceNotFoundException
raw_error '{"principal":"us-east-1:0d8e1b0a-cognito"}' /effective-policies InvalidRequestException
raw_error '{}' '/effective-policies?thingName=ghost' ResourceNotFoundException
pass
