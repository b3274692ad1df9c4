#!/usr/bin/env bash
# Bad input on the HTTPS data plane, with curl and a Python client: no client certificate, a
# certificate of an unknown CA or an INACTIVE one, a 1 MiB body, invalid and reserved topics,
# malformed query members, other methods and paths (an unsigned WebSocket upgrade of /mqtt), a
# slow loris, garbage after the handshake. Each gets AWS's answer, the registry is unchanged, and
# the emulator keeps serving: an honest device publishes to a mosquitto_sub subscriber at the end.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

register_jitr_ca fleet "/O=Fleet/CN=fleet" ec  # auto-registering, yet nothing here registers
make_watcher watcher  # ACTIVE, every action allowed: the honest device
start_sub all watcher.crt watcher.key watcher-all '#' -q 1
make_ca stranger "/O=Elsewhere/CN=Stranger CA" ec
make_signed strange "/CN=strange" stranger ec
iot create-keys-and-certificate >inactive.json  # registered, INACTIVE
json_get inactive.json 'j["certificatePem"]' >inactive.crt
json_get inactive.json 'j["keyPair"]["PrivateKey"]' >inactive.key
registry_state() {
  iot list-certificates | json_get - 'sorted((c["certificateId"], c["status"]) for c in j["certificates"])'
}
before=$(registry_state)

URL="https://localhost:$HTTPS_PORT"
# post CERT PATH_AND_QUERY [CURL ARGS…]: prints the status; the body lands in body.json.
post() {
  local cert=$1 target=$2; shift 2
  local auth=()
  [[ -n $cert ]] && auth=(--cert "$cert.crt" --key "$cert.key")
  curl --cacert "$SERVER_CA" "${auth[@]}" -sS -o body.json -D headers.txt -w '%{http_code}' \
    -X POST "$@" "$URL$target"
}
# expect_error STATUS CODE CERT PATH_AND_QUERY [CURL ARGS…]
expect_error() {
  local status=$1 code=$2; shift 2
  expect_eq "$(post "$@")" "$status" "status for $*"
  grep -qi "^x-amzn-ErrorType: $code" headers.txt || fail "$*: expected $code, got $(cat headers.txt)"
  grep -q '"message":' body.json && grep -q '"traceId":' body.json ||
    fail "$*: no message and traceId in $(cat body.json)"
}
# expect_empty_reply CERT: the connection is dropped without an answer, as AWS drops it.
expect_empty_reply() {
  local status=0
  post "$1" /topics/a/b -d x >/dev/null 2>curl.err || status=$?
  expect_eq "$status" 52 "curl's exit status with $1 ($(cat curl.err))"
}

expect_error 401 UnauthorizedException "" /topics/a/b -d x           # no client certificate
expect_empty_reply strange                                             # unknown CA
expect_empty_reply inactive                                            # INACTIVE
head -c 1048576 /dev/zero | tr '\0' x >1mib.txt
expect_error 413 RequestEntityTooLargeException watcher /topics/a/b --data-binary @1mib.txt
head -c 131072 /dev/zero | tr '\0' x >128kib.txt
expect_eq "$(post watcher /topics/limit --data-binary @128kib.txt)" 200 "a 128 KiB payload"
expect_error 400 InvalidRequestException watcher '/topics/a/%2B/b' -d x
expect_error 400 InvalidRequestException watcher '/topics/a/%23' -d x
expect_error 400 InvalidRequestException watcher '/topics/a/b/c/d/e/f/g/h/i' -d x
expect_error 403 ForbiddenException watcher '/topics/%24aws/events/presence/connected/x' -d x
expect_error 403 ForbiddenException watcher '/topics/$aws/things/t/shadow/update/accepted' -d x
expect_error 400 InvalidRequestException watcher '/topics/a/b?qos=2' -d x
expect_error 400 InvalidRequestException watcher '/topics/a/b?qos=' -d x
expect_error 400 InvalidRequestException watcher '/topics/a/b?retain=maybe' -d x
expect_error 400 InvalidRequestException watcher '/topics/a/b?messageExpiry=-5' -d x
expect_error 400 InvalidRequestException watcher /topics/a/b -d x \
  -H 'x-amz-mqtt5-user-properties: bm90IGpzb24='
expect_error 405 MethodNotAllowedException watcher /topics/a/b -X GET
expect_error 404 UnknownOperationException watcher /things -d x
# MQTT over WebSocket without its SigV4 presigned query (mqtt_websocket.test.sh has the rest).
expect_error 403 ForbiddenException watcher /mqtt -X GET -H 'Connection: Upgrade' \
  -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='

python3 "$(dirname "$0")/https_clients.py" "$MQTT_HOST" "$HTTPS_PORT" "$ALPN_PORT" "$SERVER_CA" \
  watcher.crt watcher.key || fail "HTTPS client checks failed"

expect_eq "$(registry_state)" "$before" "the registry after the bad requests"
kill -0 "$EMULATOR_PID" || fail "the emulator died"
grep -q 'MSG a/b' all.out && fail "a refused request was published: $(grep 'MSG a/b' all.out)"
expect_eq "$(post watcher '/topics/after/all?qos=1' -d alive)" 200 "an honest publish at the end"
wait_for_line all.out "MSG after/all alive" || fail "the emulator stopped routing: $(cat all.out)"
pass
