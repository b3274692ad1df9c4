#!/usr/bin/env bash
# --init FILE (docs/harness.md) with the fixture fleet fixtures/init/fleet.json and certificates
# made by fixtures/make-certs: with no API call, sensor-1 connects and publishes (mosquitto_pub),
# its telemetry fires the declared rule, and a new device of the declared CA is registered by JITR
# and activated by the declared Python function. A reset brings the declared fleet back and only
# it. A bad init file stops the start with a message naming the entry.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
mkdir -p fixtures
cp -r "$FIXTURES/init" "$FIXTURES/handlers" fixtures/
certs=fixtures/init/certs
"$FIXTURES/make-certs" ca "$certs" 2>/dev/null
"$FIXTURES/make-certs" device "$certs" sensor-1 2>/dev/null
"$FIXTURES/make-certs" device "$certs" sensor-2 2>/dev/null

start_emulator --init "$WORK/fixtures/init/fleet.json"

mqtt_pub "$certs/sensor-1.crt" "$certs/sensor-1.key" -q 1 -i sensor-1 -t dt/sensor-1/telemetry \
  -m '{"t": 21}' || fail "the declared device could not publish"
journal_until 0 connect.accepted "e['clientId'] == 'sensor-1'" >/dev/null
journal_until 0 rule.fired "e['ruleName'] == 'Telemetry' and e['topic'] == 'dt/sensor-1/telemetry'" \
  >/dev/null

sensor2_id=$(certificate_id "$certs/sensor-2.crt")
expect_dropped "$certs/sensor-2-chain.crt" "$certs/sensor-2.key" -q 1 -i sensor-2 -t dt/sensor-2/x
journal_until 0 lambda.invoked "e['functionName'] == 'jitr' and e['result'] == 'success'" >/dev/null
wait_for_status "$sensor2_id" ACTIVE

# Reset: the declared fleet is back, what happened since is gone.
harness reset -X POST >/dev/null
expect_eq "$(iot list-things | json_get - 'sorted(t["thingName"] for t in j["things"])')" \
  '["sensor-1"]' "things after reset"
expect_eq "$(iot list-certificates | json_get - 'len(j["certificates"])')" 1 "certificates after reset"
expect_eq "$(iot list-topic-rules | json_get - 'sorted(r["ruleName"] for r in j["rules"])')" \
  '["JITRRule", "Telemetry"]' "rules after reset"
mqtt_pub "$certs/sensor-1.crt" "$certs/sensor-1.key" -q 1 -i sensor-1 -t dt/sensor-1/telemetry \
  -m '{"t": 22}' || fail "the declared device could not publish after reset"
stop_emulator

# A bad entry stops the start, naming it; nothing listens.
python3 - "$WORK/fixtures/init/fleet.json" >bad.json <<'PY'
import json, sys
fleet = json.load(open(sys.argv[1]))
fleet["policies"].append({"policyName": "broken", "policyDocument": "{not json"})
print(json.dumps(fleet))
PY
cp bad.json fixtures/init/bad.json
status=0
"$IOTEMU_BIN" --api-port 0 --mqtt-port 0 --https-port 0 --alpn-port 0 --in-memory \
  --data-dir "$WORK/bad-data" --init fixtures/init/bad.json >bad.out 2>&1 || status=$?
expect_eq "$status" 1 "exit status with a bad init file"
grep -q 'init file fixtures/init/bad.json: policies\[1\] ("broken"): MalformedPolicyException' bad.out ||
  fail "the error does not name the entry: $(cat bad.out)"
"$IOTEMU_BIN" --api-port 0 --mqtt-port 0 --https-port 0 --alpn-port 0 --in-memory \
  --data-dir "$WORK/bad-data" --init fixtures/init/absent.json >bad.out 2>&1 && fail "started without its init file"
grep -q 'init file fixtures/init/absent.json: cannot read' bad.out || fail "missing file: $(cat bad.out)"
pass
