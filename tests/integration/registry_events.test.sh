#!/usr/bin/env bash
# Registry events (docs/aws/provisioning-and-services.md §3): all disabled in a new account, so a
# subscriber to $aws/events/thing/# hears nothing of a first create-thing; once
# update-event-configurations enables THING it hears created, updated and deleted with AWS's
# payloads, and THING_GROUP_MEMBERSHIP adds membership events. The subscriber's certificate is held
# to a policy that grants $aws/events/* only, as AWS's event documentation shows. A topic rule on a
# registry event topic fires. An unknown event type gets AWS's error.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

iot describe-event-configurations >fresh.json
python3 - fresh.json <<'EOF_PY' || fail "a new account's event configurations are not all off"
import json, sys
j = json.load(open(sys.argv[1]))
types = {"THING", "THING_GROUP", "THING_TYPE", "THING_GROUP_MEMBERSHIP", "THING_GROUP_HIERARCHY",
         "THING_TYPE_ASSOCIATION", "JOB", "JOB_EXECUTION", "POLICY", "CERTIFICATE", "CA_CERTIFICATE"}
assert set(j["eventConfigurations"]) == types, j
assert all(v == {"Enabled": False} for v in j["eventConfigurations"].values()), j
assert "creationDate" not in j and "lastModifiedDate" not in j, j
EOF_PY

iot create-keys-and-certificate --set-as-active >reader.json
json_get reader.json 'j["certificatePem"]' >reader.crt
json_get reader.json 'j["keyPair"]["PrivateKey"]' >reader.key
iot create-policy --policy-name events-reader --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/reader"},
  {"Effect":"Allow","Action":"iot:Subscribe","Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/$aws/events/*","arn:aws:iot:us-east-1:123456789012:topicfilter/rule/*"]},
  {"Effect":"Allow","Action":"iot:Receive","Resource":["arn:aws:iot:us-east-1:123456789012:topic/$aws/events/*","arn:aws:iot:us-east-1:123456789012:topic/rule/*"]}]}' >/dev/null
iot attach-policy --policy-name events-reader --target "$(json_get reader.json 'j["certificateArn"]')"
iot create-topic-rule --rule-name thing_created --topic-rule-payload '{
  "sql": "SELECT thingName, operation FROM '"'"'$aws/events/thing/+/created'"'"'",
  "actions": [{"republish": {"topic": "rule/registry", "roleArn": "arn:aws:iam::123456789012:role/r"}}]}'

start_sub events reader.crt reader.key reader '$aws/events/thing/#' \
  -t '$aws/events/thingGroupMembership/#' -t 'rule/registry' -q 1

iot create-thing --thing-name before-enabling >/dev/null  # events are off: nobody hears it
iot update-event-configurations --event-configurations '{"THING":{"Enabled":true}}'
iot update-event-configurations --event-configurations '{"THING_GROUP_MEMBERSHIP":{"Enabled":true}}'
iot describe-event-configurations >enabled.json
expect_eq "$(json_get enabled.json '[k for k, v in sorted(j["eventConfigurations"].items()) if v["Enabled"]]')" \
  '["THING", "THING_GROUP_MEMBERSHIP"]' "enabled event types"
json_get enabled.json 'j["creationDate"] <= j["lastModifiedDate"]' | grep -qx true ||
  fail "creationDate/lastModifiedDate missing after an update: $(cat enabled.json)"

thing_id=$(iot create-thing --thing-name lamp --attribute-payload '{"attributes":{"color":"red"}}' |
  json_get - 'j["thingId"]')
iot update-thing --thing-name lamp --attribute-payload '{"attributes":{"color":"blue"},"merge":true}'
iot create-thing-group --thing-group-name lights >/dev/null
iot add-thing-to-thing-group --thing-group-name lights --thing-name lamp
iot remove-thing-from-thing-group --thing-group-name lights --thing-name lamp
iot delete-thing --thing-name lamp
wait_for_line events.out 'MSG $aws/events/thing/lamp/deleted' || fail "no deleted event: $(cat events.out)"
wait_for_line events.out 'MSG rule/registry {"operation":"CREATED","thingName":"lamp"}' ||
  fail "the topic rule on \$aws/events/thing/+/created did not fire: $(cat events.out)"

python3 - events.out "$thing_id" <<'EOF_PY' || fail "the registry events were not AWS's"
import json, re, sys
path, thing_id = sys.argv[1:]
events = [line.rstrip("\n").split(" ", 2)[1:] for line in open(path) if line.startswith("MSG $aws/")]
events = [(topic, json.loads(payload)) for topic, payload in events]
topics = [t for t, _ in events]
def check(ok, what):
    if not ok:
        sys.exit(what + "\n" + "\n".join(f"{t} {json.dumps(e)}" for t, e in events))
check(topics == ["$aws/events/thing/lamp/created", "$aws/events/thing/lamp/updated",
                 "$aws/events/thingGroupMembership/thingGroup/lights/thing/lamp/added",
                 "$aws/events/thingGroupMembership/thingGroup/lights/thing/lamp/removed",
                 "$aws/events/thing/lamp/deleted"], "topics, in order, none before enabling")
uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
thing_keys = {"eventType", "eventId", "timestamp", "operation", "accountId", "thingId",
              "thingName", "versionNumber", "thingTypeName", "attributes"}
for (topic, e), (op, version, color) in zip([events[0], events[1], events[4]],
                                            [("CREATED", 1, "red"), ("UPDATED", 2, "blue"),
                                             ("DELETED", 2, "blue")]):
    check(set(e) == thing_keys, f"{topic}: THING_EVENT keys")
    check(e["eventType"] == "THING_EVENT" and e["operation"] == op, f"{topic}: type, operation")
    check(uuid.match(e["eventId"]) is not None, "eventId is a UUID")
    check(isinstance(e["timestamp"], int) and e["timestamp"] > 1_600_000_000_000, "timestamp ms")
    check(e["accountId"] == "123456789012" and e["thingId"] == thing_id, "account, thing id")
    check(e["thingName"] == "lamp" and e["versionNumber"] == version, "name, version")
    check(e["thingTypeName"] is None and e["attributes"] == {"color": color}, "type, attributes")
added, removed = events[2][1], events[3][1]
check(set(added) == {"eventType", "eventId", "timestamp", "operation", "accountId", "groupArn",
                     "groupId", "thingArn", "thingId", "membershipId"}, "membership keys")
check(added["eventType"] == "THING_GROUP_MEMBERSHIP_EVENT" and added["operation"] == "ADDED"
      and removed["operation"] == "REMOVED", "membership operations")
check(added["groupArn"] == "arn:aws:iot:us-east-1:123456789012:thinggroup/lights"
      and added["thingArn"] == "arn:aws:iot:us-east-1:123456789012:thing/lamp"
      and added["thingId"] == thing_id, "membership ARNs")
check(added["membershipId"] == removed["membershipId"], "one membership, one id")
check(len({e["eventId"] for _, e in events}) == len(events), "every eventId is unique")
EOF_PY

expect_aws_error InvalidRequestException iot update-event-configurations \
  --event-configurations '{"THINGS":{"Enabled":true}}'
iot describe-event-configurations | json_get - 'j["eventConfigurations"]["THING"]["Enabled"]' |
  grep -qx true || fail "a refused update changed the configuration"
pass
