#!/usr/bin/env bash
# The executable's contract: flags, ready file, ephemeral ports, the TLS identity in the data
# dir (created once, reused), clean shutdown on SIGINT/SIGTERM, clear failures.
source "$(dirname "$0")/lib.sh"

# --help and bad flags.
"$IOTEMU_BIN" --help | grep -q -- '--ready-file' || fail "--help does not describe --ready-file"
set +e
"$IOTEMU_BIN" --api-port nope 2>"$WORK/err.txt"; status=$?
set -e
expect_eq "$status" 2 "exit status for a bad flag value"
grep -q -- '--api-port' "$WORK/err.txt" || fail "bad flag message does not name the flag"
# The region lands in ARNs, SigV4 scopes and host names: only a region's shape is taken.
for region in "not a region!" us-east eu--west-1 US-EAST-1 us-east-1x -east-1; do
  set +e
  "$IOTEMU_BIN" --region "$region" --api-port 0 2>"$WORK/err.txt"; status=$?
  set -e
  expect_eq "$status" 2 "exit status for --region '$region'"
  grep -q -- "--region" "$WORK/err.txt" || fail "the message for --region '$region' names no flag"
done

start_emulator --region eu-west-1 --account-id 111122223333
for key in api_endpoint mqtt_host mqtt_port https_port https_endpoint server_ca_file region account_id; do
  json_get "$READY" "j['$key']" >/dev/null || fail "ready file lacks $key"
done
expect_eq "$(json_get "$READY" 'j["region"]')" eu-west-1 "region in the ready file"
expect_eq "$(json_get "$READY" 'j["account_id"]')" 111122223333 "account id in the ready file"
[[ $API == http://127.0.0.1:* && ${API##*:} != 0 ]] || fail "api_endpoint '$API' has no real port"
[[ $MQTT_PORT != 0 && $HTTPS_PORT != 0 ]] || fail "ephemeral MQTT/HTTPS ports were not resolved"
expect_eq "$(json_get "$READY" 'j["https_endpoint"]')" "https://127.0.0.1:$HTTPS_PORT" "https_endpoint"
[[ $SERVER_CA == /* && -f $SERVER_CA ]] || fail "server_ca_file '$SERVER_CA' is not an absolute existing path"
# The banner names every listener, the ALPN one included.
for line in "iot and iot-data (aws --endpoint-url): $API" \
  "MQTT 3.1.1 and 5 over mutual TLS:      $MQTT_HOST:$MQTT_PORT" \
  "HTTPS data plane, MQTT over wss /mqtt: https://$MQTT_HOST:$HTTPS_PORT" \
  "by ALPN (MQTT, HTTPS and wss):         $MQTT_HOST:$ALPN_PORT" \
  "server CA file (--cafile):             $SERVER_CA" \
  "web console:                           $API/_emulator/console/"; do
  grep -qF -- "$line" "$WORK/emulator.log" || fail "the banner lacks '$line'"
done

# The region and account flow into ARNs and DescribeEndpoint.
export AWS_DEFAULT_REGION=eu-west-1
arn=$(iot create-thing --thing-name lamp | json_get - 'j["thingArn"]')
expect_eq "$arn" "arn:aws:iot:eu-west-1:111122223333:thing/lamp" "thing ARN"
expect_eq "$(iot describe-endpoint --endpoint-type iot:Data-ATS | json_get - 'j["endpointAddress"]')" \
  "$MQTT_HOST:$MQTT_PORT" "describe-endpoint"

# The server certificate chains to the CA file and names every local host.
server_pem="$DATA_DIR/tls/server.pem"
openssl verify -CAfile "$SERVER_CA" "$server_pem" >/dev/null || fail "server certificate does not verify"
sans=$(openssl x509 -in "$server_pem" -noout -ext subjectAltName)
for name in DNS:localhost "IP Address:127.0.0.1" "IP Address:0:0:0:0:0:0:0:1"; do
  [[ $sans == *"$name"* ]] || fail "server certificate SAN lacks $name: $sans"
done
ca_before=$(sha256sum <"$SERVER_CA")
server_before=$(sha256sum <"$server_pem")

# A second emulator on a taken port fails with a clear message and status 1.
set +e
"$IOTEMU_BIN" --api-port "${API##*:}" --mqtt-port 0 --https-port 0 --alpn-port off --data-dir "$WORK/other" \
  2>"$WORK/err.txt"; status=$?
set -e
expect_eq "$status" 1 "exit status when the API port is taken"
grep -q "cannot bind the API port" "$WORK/err.txt" || fail "no clear message for a taken port"

# As root the ALPN listener defaults to AWS's 443. A second emulator on the machine finds 443
# taken, warns and serves without it; asked for 443 explicitly, it fails as for any taken port.
if ((EUID == 0)); then
  python3 -c 'import socket, sys, time
s = socket.socket()
try:
    s.bind(("127.0.0.1", 443)); s.listen()
except OSError:
    pass  # taken already: just as good
print("held", flush=True); time.sleep(120)' >"$WORK/holder.out" & holder=$!
  wait_for_line "$WORK/holder.out" held || fail "could not hold port 443"
  "$IOTEMU_BIN" --api-port 0 --mqtt-port 0 --https-port 0 --data-dir "$WORK/third" \
    --ready-file "$WORK/third.json" 2>"$WORK/third.err" & third=$!
  deadline=$((SECONDS + 20))
  until [[ -s $WORK/third.json ]]; do
    kill -0 "$third" 2>/dev/null || fail "without --alpn-port, a taken 443 stopped the emulator: $(cat "$WORK/third.err")"
    ((SECONDS < deadline)) || fail "the second emulator never got ready"
    sleep 0.05
  done
  kill "$third"; wait "$third" || true
  grep -q "cannot bind the ALPN port 443.*serving without the ALPN listener" "$WORK/third.err" ||
    fail "no warning for the skipped ALPN listener: $(cat "$WORK/third.err")"
  [[ $(json_get "$WORK/third.json" 'j.get("alpn_port", "none")') == none ]] ||
    fail "the ready file names an ALPN port it does not serve: $(cat "$WORK/third.json")"
  set +e
  "$IOTEMU_BIN" --api-port 0 --mqtt-port 0 --https-port 0 --alpn-port 443 --data-dir "$WORK/third" \
    2>"$WORK/err.txt"; status=$?
  set -e
  kill "$holder"
  expect_eq "$status" 1 "exit status when --alpn-port 443 is taken"
  grep -q "cannot bind the ALPN port 443" "$WORK/err.txt" || fail "no clear message for a taken ALPN port"
fi

# SIGTERM stops it within a second, with status 0.
start=$(date +%s%N)
stop_emulator
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
((elapsed_ms < 1000)) || fail "shutdown took ${elapsed_ms} ms"

# A restart reuses the CA and server certificate.
start_emulator --region eu-west-1 --account-id 111122223333
expect_eq "$(sha256sum <"$SERVER_CA")" "$ca_before" "CA after restart"
expect_eq "$(sha256sum <"$DATA_DIR/tls/server.pem")" "$server_before" "server certificate after restart"

# SIGINT works too.
kill -INT "$EMULATOR_PID"
wait "$EMULATOR_PID" || fail "emulator exited with status $? on SIGINT"
EMULATOR_PID=""
pass
