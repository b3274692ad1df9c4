#!/usr/bin/env bash
# Topic rules with the real aws CLI: create, get, list, replace, disable, enable, delete; bad SQL
# is SqlParseException, an existing name ResourceAlreadyExistsException, an unknown rule
# UnauthorizedException (as real AWS answers). Then a republish rule driven by mosquitto: a
# message on sensors/<id>/temp comes back on alerts/<id> with the SELECT output, only while the
# rule is enabled, and a Basic Ingest publish reaches the rule without any subscriber.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

ROLE=arn:aws:iam::123456789012:role/iot-republish
payload() {  # payload SQL TOPIC: a republish rule's TopicRulePayload
  python3 -c 'import json,sys; print(json.dumps({"sql": sys.argv[1], "awsIotSqlVersion": "2016-03-23",
    "actions": [{"republish": {"topic": sys.argv[2], "qos": 1, "roleArn": sys.argv[3]}}]}))' \
    "$1" "$2" "$ROLE"
}

# ---- the control plane ----
iot create-topic-rule --rule-name alerts --topic-rule-payload \
  "$(payload "SELECT temp, topic(2) AS device FROM 'sensors/+/temp' WHERE temp > 30" 'alerts/${topic(2)}')"
got=$(iot get-topic-rule --rule-name alerts)
expect_eq "$(json_get - 'j["ruleArn"]' <<<"$got")" "arn:aws:iot:us-east-1:123456789012:rule/alerts" ruleArn
expect_eq "$(json_get - 'j["rule"]["actions"][0]["republish"]["topic"]' <<<"$got")" 'alerts/${topic(2)}' \
  "the action as given"
expect_eq "$(json_get - 'j["rule"]["ruleDisabled"]' <<<"$got")" false ruleDisabled
[[ $(json_get - '1e9 < j["rule"]["createdAt"] < 1e11' <<<"$got") == true ]] ||
  fail "createdAt is not epoch seconds: $got"

expect_aws_error ResourceAlreadyExistsException iot create-topic-rule --rule-name alerts \
  --topic-rule-payload "$(payload "SELECT * FROM 'x'" x)"
out=$(aws --endpoint-url "$API" iot create-topic-rule --rule-name broken \
  --topic-rule-payload "$(payload "SELECT * FORM 'x'" x)" 2>&1) && fail "bad SQL was accepted"
[[ $out == *"(SqlParseException)"*"column"* ]] || fail "bad SQL: $out"
expect_aws_error UnauthorizedException iot get-topic-rule --rule-name nosuchrule
expect_aws_error UnauthorizedException iot delete-topic-rule --rule-name nosuchrule
expect_aws_error InvalidRequestException iot get-topic-rule --rule-name bad-name

iot create-topic-rule --rule-name second --topic-rule-payload "$(payload "SELECT * FROM 'other/#'" copy)"
expect_eq "$(iot list-topic-rules | json_get - '[r["ruleName"] for r in j["rules"]]')" \
  '["alerts", "second"]' "list-topic-rules"
expect_eq "$(iot list-topic-rules --topic 'other/#' | json_get - '[r["ruleName"] for r in j["rules"]]')" \
  '["second"]' "list-topic-rules --topic"
iot replace-topic-rule --rule-name second --topic-rule-payload "$(payload "SELECT * FROM 'more/#'" copy)"
expect_eq "$(iot get-topic-rule --rule-name second | json_get - 'j["rule"]["sql"]')" \
  "SELECT * FROM 'more/#'" "replace-topic-rule"
iot delete-topic-rule --rule-name second
expect_aws_error UnauthorizedException iot get-topic-rule --rule-name second

# ---- the rule at work ----
make_watcher watcher
start_sub alerts watcher.crt watcher.key watcher-alerts 'alerts/#' -q 1
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t sensors/dev7/temp -m '{"temp": 35, "x": 1}' ||
  fail "publish failed"
# SELECT output keys come out sorted (JSON objects are unordered; AWS keeps SELECT order).
wait_for_line alerts.out 'MSG alerts/dev7 {"device":"dev7","temp":35}' ||
  fail "the republished message did not arrive: $(cat alerts.out)"
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t sensors/dev8/temp -m '{"temp": 20}'

iot disable-topic-rule --rule-name alerts
expect_eq "$(iot get-topic-rule --rule-name alerts | json_get - 'j["rule"]["ruleDisabled"]')" true disabled
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t sensors/dev9/temp -m '{"temp": 99}'
iot enable-topic-rule --rule-name alerts
# Basic Ingest: straight to the rule, topic() without the prefix.
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t '$aws/rules/alerts/sensors/dev10/temp' \
  -m '{"temp": 40}' || fail "Basic Ingest publish failed"
wait_for_line alerts.out 'MSG alerts/dev10 {"device":"dev10","temp":40}' ||
  fail "the Basic Ingest message did not arrive: $(cat alerts.out)"
! grep -q 'alerts/dev8' alerts.out || fail "WHERE temp > 30 let 20 through"
! grep -q 'alerts/dev9' alerts.out || fail "a disabled rule fired"
iot delete-topic-rule --rule-name alerts
kill -0 "$EMULATOR_PID" || fail "the emulator died"
pass
