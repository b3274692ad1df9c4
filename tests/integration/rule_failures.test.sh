#!/usr/bin/env bash
# Rules whose actions fail: a handler that raises and one that hangs past its timeout each trigger
# the rule's errorAction (a republish carrying AWS's error payload); the handler's output and the
# failure are logged; MQTT traffic and the emulator carry on. Functions declared from a folder
# with --function, the no-zip path for tests.
source "$(dirname "$0")/lib.sh"
start_emulator \
  --function "thrower=python3.11:handlers.throws:$HANDLERS/misbehaving_python" \
  --function "sleeper=python3.11:handlers.hangs:$HANDLERS/misbehaving_python"
cd "$WORK"
lambda_cli update-function-configuration --function-name sleeper --timeout 1 >/dev/null

make_watcher watcher
start_sub errors watcher.crt watcher.key watcher-errors 'errors/#' -q 1
start_sub traffic watcher.crt watcher.key watcher-traffic 'sensors/#' -q 1

for fn in thrower sleeper; do
  iot create-topic-rule --rule-name "rule_$fn" --topic-rule-payload "{
    \"sql\": \"SELECT * FROM 'sensors/$fn/+'\", \"awsIotSqlVersion\": \"2016-03-23\",
    \"actions\": [{\"lambda\": {\"functionArn\": \"arn:aws:lambda:us-east-1:123456789012:function:$fn\"}}],
    \"errorAction\": {\"republish\": {\"topic\": \"errors/\${topic(2)}\", \"qos\": 1,
      \"roleArn\": \"arn:aws:iam::123456789012:role/iot-errors\"}}}"
done

mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t sensors/thrower/1 -m '{"device":"d1"}' ||
  fail "publish failed"
wait_for_line errors.out 'MSG errors/thrower ' 20 || fail "no errorAction for the raising handler"
grep 'MSG errors/thrower ' errors.out | head -1 | cut -d' ' -f3- >thrower-error.json
python3 - thrower-error.json <<'PY' || fail "the error payload has the wrong shape"
import base64, json, sys
error = json.load(open(sys.argv[1]))
assert error["ruleName"] == "rule_thrower" and error["topic"] == "sensors/thrower/1", error
assert base64.b64decode(error["base64OriginalPayload"]) == b'{"device":"d1"}', error
failure = error["failures"][0]
assert failure["failedAction"] == "LambdaAction", failure
assert "thrower" in failure["failedResource"], failure
assert "refusing d1" in failure["errorMessage"], failure
PY
wait_for_line emulator.log "refusing d1" || fail "the handler's exception is not in the log"

mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t sensors/sleeper/1 -m '{"device":"d2"}' ||
  fail "publish failed"
# While the handler hangs, traffic flows.
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t sensors/other/1 -m during ||
  fail "publish during a hung handler failed"
wait_for_line traffic.out "MSG sensors/other/1 during" 5 || fail "MQTT stalled behind a hung handler"
wait_for_line errors.out 'MSG errors/sleeper ' 20 || fail "no errorAction for the timed-out handler"
grep 'MSG errors/sleeper ' errors.out | grep -q 'timed out' || fail "the timeout is not named"

# The functions still work afterwards: the timed-out process was replaced.
lambda_cli update-function-configuration --function-name sleeper --timeout 5 >/dev/null
out=$(lambda_cli invoke --function-name thrower --payload '{"device":"d3"}' "$WORK/invoke.json")
[[ $out == *Unhandled* ]] || fail "invoke of a raising handler did not report FunctionError: $out"
grep -q "refusing d3" invoke.json || fail "invoke did not return the error payload"
kill -0 "$EMULATOR_PID" || fail "the emulator died"
pass
