# Shared by the integration tests: start the real binary on ephemeral ports in a temp dir, wait
# for its ready file (no sleeps), drive it with real clients, and tear down on exit.
# Usage: source "$(dirname "$0")/lib.sh"; start_emulator; ...; pass
set -euo pipefail

: "${IOTEMU_BIN:?IOTEMU_BIN must point at build/iot-emulator (CTest sets it)}"
TEST_NAME=$(basename "$0" .test.sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iotemu-${TEST_NAME}.XXXXXX")
EMULATOR_PID=""
SUB_PIDS=()  # background mosquitto_sub processes, ended with the test

# The aws CLI and boto3 use dummy credentials and never read the user's own configuration.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_MAX_ATTEMPTS=1 AWS_PAGER=""

cleanup() {
  local status=$?
  for pid in "${SUB_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n $EMULATOR_PID ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill -TERM "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  # A sanitized build (scripts/test --sanitize) reports into the log: the test fails with it.
  local report='^(==[0-9]+==ERROR: |WARNING: ThreadSanitizer|SUMMARY: [A-Za-z]+Sanitizer)|: runtime error: '
  if [[ -f $WORK/emulator.log ]] && grep -qE "$report" "$WORK/emulator.log"; then
    echo "FAIL [$TEST_NAME]: the emulator's sanitizer report:" >&2
    grep -m1 -A60 -E "$report" "$WORK/emulator.log" >&2
    rm -rf "$WORK"
    exit 1
  fi
  if [[ $status -ne 0 && -f $WORK/emulator.log ]]; then
    echo "---- emulator log (last 40 lines) ----" >&2
    tail -n 40 "$WORK/emulator.log" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL [$TEST_NAME]: $*" >&2; exit 1; }
pass() { echo "PASS [$TEST_NAME]"; }

# json_get FILE_OR_- EXPR: evaluate a Python expression over the parsed JSON `j`.
json_get() {
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1]) if sys.argv[1] != "-" else sys.stdin); v=eval(sys.argv[2]); print(v if not isinstance(v,(dict,list,bool)) else json.dumps(v))' "$1" "$2"
}

# start_emulator [extra flags…]: start on ephemeral ports; sets API, MQTT_HOST, MQTT_PORT,
# HTTPS_PORT, SERVER_CA, READY and DATA_DIR.
start_emulator() {
  DATA_DIR=${DATA_DIR:-$WORK/data}
  READY="$WORK/ready.json"
  rm -f "$READY"
  "$IOTEMU_BIN" --api-port 0 --mqtt-port 0 --https-port 0 --alpn-port 0 --data-dir "$DATA_DIR" \
    --ready-file "$READY" "$@" >>"$WORK/emulator.log" 2>&1 &
  EMULATOR_PID=$!
  local deadline=$((SECONDS + 20))
  until [[ -s $READY ]]; do
    kill -0 "$EMULATOR_PID" 2>/dev/null || fail "emulator exited before it was ready"
    ((SECONDS < deadline)) || fail "emulator not ready within 20 s"
    sleep 0.05
  done
  API=$(json_get "$READY" 'j["api_endpoint"]')
  MQTT_HOST=$(json_get "$READY" 'j["mqtt_host"]')
  MQTT_PORT=$(json_get "$READY" 'j["mqtt_port"]')
  HTTPS_PORT=$(json_get "$READY" 'j["https_port"]')
  ALPN_PORT=$(json_get "$READY" 'j.get("alpn_port", "")')
  SERVER_CA=$(json_get "$READY" 'j["server_ca_file"]')
}

stop_emulator() {
  kill -TERM "$EMULATOR_PID"
  wait "$EMULATOR_PID" || fail "emulator exited with status $? on SIGTERM"
  EMULATOR_PID=""
}

# iot ARGS…, lambda_cli ARGS…: the real aws CLI against the emulator, JSON output on stdout.
iot() { aws --endpoint-url "$API" --output json iot "$@"; }
lambda_cli() { aws --endpoint-url "$API" --output json lambda "$@"; }

# expect_aws_error CODE ARGS…: the aws CLI call must fail with this AWS error code.
expect_aws_error() {
  local code=$1; shift
  local out
  if out=$(aws --endpoint-url "$API" --output json "$@" 2>&1); then
    fail "expected $code from 'aws $*', but it succeeded: $out"
  fi
  [[ $out == *"($code)"* ]] || fail "expected $code from 'aws $*', got: $out"
}

expect_eq() {  # expect_eq ACTUAL EXPECTED WHAT
  [[ $1 == "$2" ]] || fail "$3: expected '$2', got '$1'"
}

# openssl helpers for fixtures made fresh in each test.
make_ca() {  # make_ca NAME [SUBJECT] [KEYALG]: self-signed CA NAME.pem / NAME.key in $WORK
  local name=$1 subject=${2:-/CN=$1} keyalg=${3:-rsa}
  if [[ $keyalg == ec ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/$name.key" 2>/dev/null
  else
    openssl genrsa -out "$WORK/$name.key" 2048 2>/dev/null
  fi
  openssl req -x509 -new -nodes -key "$WORK/$name.key" -sha256 -days 365 -subj "$subject" \
    -out "$WORK/$name.pem" 2>/dev/null
}

make_signed() {  # make_signed NAME SUBJECT ISSUER [KEYALG]: NAME.crt / NAME.key signed by ISSUER
  local name=$1 subject=$2 issuer=$3 keyalg=${4:-rsa}
  if [[ $keyalg == ec ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/$name.key" 2>/dev/null
  else
    openssl genrsa -out "$WORK/$name.key" 2048 2>/dev/null
  fi
  openssl req -new -key "$WORK/$name.key" -subj "$subject" -out "$WORK/$name.csr" 2>/dev/null
  openssl x509 -req -in "$WORK/$name.csr" -CA "$WORK/$issuer.pem" -CAkey "$WORK/$issuer.key" \
    -CAcreateserial -out "$WORK/$name.crt" -days 365 -sha256 2>/dev/null
}

certificate_id() {  # certificate_id FILE: AWS's id, the SHA-256 of the DER
  openssl x509 -in "$1" -outform der | sha256sum | cut -d' ' -f1
}

# ---- MQTT over mutual TLS with the real mosquitto clients -------------------------------------

# register_jitr_ca NAME [SUBJECT] [KEYALG]: NAME.pem/NAME.key registered ACTIVE with
# auto-registration ENABLE, as AWS's JITR blog and workshop do; sets CA_ID.
register_jitr_ca() {
  local name=$1 subject=${2:-/O=Fleet/CN=$1} keyalg=${3:-rsa}
  make_ca "$name" "$subject" "$keyalg"
  local code
  code=$(iot get-registration-code | json_get - 'j["registrationCode"]')
  make_signed "$name-verification" "/CN=$code" "$name"
  CA_ID=$(iot register-ca-certificate --ca-certificate "file://$WORK/$name.pem" \
    --verification-certificate "file://$WORK/$name-verification.crt" --set-as-active \
    --allow-auto-registration | json_get - 'j["certificateId"]')
}

# make_watcher NAME: an AWS-issued ACTIVE certificate NAME.crt/NAME.key whose policy allows
# everything, for subscribers that observe the devices under test. Sets WATCHER_ARN.
make_watcher() {
  local name=$1
  iot create-keys-and-certificate --set-as-active >"$WORK/$name.json"
  json_get "$WORK/$name.json" 'j["certificatePem"]' >"$WORK/$name.crt"
  json_get "$WORK/$name.json" 'j["keyPair"]["PrivateKey"]' >"$WORK/$name.key"
  WATCHER_ARN=$(json_get "$WORK/$name.json" 'j["certificateArn"]')
  iot create-policy --policy-name "allow-all-$name" --policy-document \
    "$ALLOW_ALL" >/dev/null
  iot attach-policy --policy-name "allow-all-$name" --target "$WATCHER_ARN"
}

# mqtt_pub CERT KEY ARGS…: mosquitto_pub against the emulator; status is mosquitto_pub's.
mqtt_pub() {
  local cert=$1 key=$2; shift 2
  timeout 20 mosquitto_pub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" \
    --cert "$cert" --key "$key" "$@"
}

# start_sub NAME CERT KEY CLIENT_ID FILTER [ARGS…]: mosquitto_sub in the background writing
# "MSG <topic> <payload>" lines to $WORK/NAME.out (line-buffered, so it can be polled); returns
# once the SUBACK arrived.
start_sub() {
  local name=$1 cert=$2 key=$3 client_id=$4 filter=$5; shift 5
  stdbuf -oL mosquitto_sub -d -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert "$cert" \
    --key "$key" -i "$client_id" -t "$filter" -F 'MSG %t %p' "$@" >"$WORK/$name.out" 2>&1 &
  SUB_PIDS+=($!)
  wait_for_line "$WORK/$name.out" 'received SUBACK' || fail "$name: no SUBACK: $(cat "$WORK/$name.out")"
}

# wait_for_line FILE TEXT [SECONDS]: polls (no fixed sleep) until FILE contains TEXT.
wait_for_line() {
  local file=$1 text=$2 deadline=$((SECONDS + ${3:-10}))
  until grep -qF -- "$text" "$file" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# wait_for_count FILE TEXT N [SECONDS]: polls until FILE has at least N lines containing TEXT.
wait_for_count() {
  local file=$1 text=$2 count=$3 deadline=$((SECONDS + ${4:-10}))
  until (($(grep -cF -- "$text" "$file" 2>/dev/null || true) >= count)); do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# expect_dropped CERT KEY ARGS…: the connection must end without a working session.
expect_dropped() {
  local out
  if out=$(mqtt_pub "$@" -m probe 2>&1); then fail "expected the connection to be dropped: mosquitto_pub $*"; fi
  echo "$out" >"$WORK/last-drop.txt"
}

# make_intermediate NAME SUBJECT ISSUER: a CA certificate NAME.pem/NAME.key signed by ISSUER.
make_intermediate() {
  local name=$1 subject=$2 issuer=$3
  openssl genrsa -out "$WORK/$name.key" 2048 2>/dev/null
  openssl req -new -key "$WORK/$name.key" -subj "$subject" -out "$WORK/$name.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$WORK/$name.ext"
  openssl x509 -req -in "$WORK/$name.csr" -CA "$WORK/$issuer.pem" -CAkey "$WORK/$issuer.key" \
    -CAcreateserial -out "$WORK/$name.pem" -days 365 -sha256 -extfile "$WORK/$name.ext" 2>/dev/null
}

# register_ca_with_verification NAME [FLAGS…]: registers NAME.pem with a fresh verification
# certificate; prints the CA id.
register_ca_with_verification() {
  local name=$1; shift
  local code
  code=$(iot get-registration-code | json_get - 'j["registrationCode"]')
  make_signed "$name-verification" "/CN=$code" "$name"
  iot register-ca-certificate --ca-certificate "file://$WORK/$name.pem" \
    --verification-certificate "file://$WORK/$name-verification.crt" "$@" |
    json_get - 'j["certificateId"]'
}

ALLOW_ALL='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}'

# A python3 with both boto3 and pyOpenSSL (the JITR blog's script needs both): the one on PATH,
# else Debian's, where scripts/setup --test installs python3-openssl and python3-boto3.
PYTHON_WITH_PYOPENSSL=$(for python in python3 /usr/bin/python3; do
  "$python" -c 'import OpenSSL, boto3' 2>/dev/null && { echo "$python"; break; }
done)
PYTHON_WITH_PYOPENSSL=${PYTHON_WITH_PYOPENSSL:-python3}

# ---- the harness endpoints (docs/harness.md) ---------------------------------------------------

# harness PATH [CURL ARGS…]: /_emulator/PATH on the API port; its body on stdout, failing on an
# error status.
harness() { curl -sS --fail-with-body "$API/_emulator/$1" "${@:2}"; }
journal_cursor() { harness journal/cursor | json_get - 'j["cursor"]'; }

# journal_until AFTER KIND CONDITION: long-polls the journal, as a test suite would, until an event
# of KIND (a prefix) after seq AFTER satisfies CONDITION (Python over the event `e`); prints it.
journal_until() {
  local after=$1 kind=$2 condition=$3 deadline=$((SECONDS + 30)) page found
  while ((SECONDS < deadline)); do
    page=$(harness "journal?after=$after&kind=$kind&wait=5")
    found=$(json_get - "next((e for e in j['events'] if $condition), None)" <<<"$page")
    [[ $found != None ]] && { echo "$found"; return 0; }
    after=$(json_get - 'j["cursor"]' <<<"$page")
  done
  fail "no $kind event with $condition in the journal: $(harness "journal?after=$1")"
}

# ---- Lambda functions and topic rules ----------------------------------------------------------

# Test-only handlers; the sample material users share (JITR handlers, templates, policies) is in
# the top-level fixtures/.
HANDLERS=$(cd "$(dirname "${BASH_SOURCE[0]}")/handlers" && pwd)
FIXTURES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../fixtures" && pwd)

# deploy_function NAME RUNTIME HANDLER DIR [FLAGS…]: zips DIR (a folder under fixtures/handlers/
# or handlers/) and creates the function with `aws lambda create-function --zip-file`; prints its
# ARN.
deploy_function() {
  local name=$1 runtime=$2 handler=$3 dir=$4; shift 4
  local source=$FIXTURES/handlers/$dir
  [[ -d $source ]] || source=$HANDLERS/$dir
  rm -f "$WORK/$name.zip"
  (cd "$source" && zip -q -r "$WORK/$name.zip" .)
  lambda_cli create-function --function-name "$name" --runtime "$runtime" --handler "$handler" \
    --role "arn:aws:iam::123456789012:role/$name" --zip-file "fileb://$WORK/$name.zip" "$@" |
    json_get - 'j["FunctionArn"]'
}

# wait_for_status CERT_ID STATUS [SECONDS]: polls describe-certificate until it reports STATUS.
wait_for_status() {
  local id=$1 status=$2 deadline=$((SECONDS + ${3:-30})) now
  while :; do
    now=$(iot describe-certificate --certificate-id "$id" |
      json_get - 'j["certificateDescription"]["status"]')
    [[ $now == "$status" ]] && return 0
    ((SECONDS < deadline)) || fail "certificate $id stayed $now, expected $status"
    sleep 0.05
  done
}

# rss_kib: the emulator's resident memory now, in KiB (from /proc).
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$EMULATOR_PID/status"; }

# expect_rss_within BASE_KIB LIMIT_MIB WHAT: the emulator grew by less than LIMIT_MIB since BASE.
# Not asserted on a sanitized build (scripts/test --sanitize sets IOTEMU_SANITIZE): there RSS
# measures ASan's quarantine of freed memory and the shadow memory, not the emulator; LSan checks
# for leaks at exit instead.
expect_rss_within() {
  if [[ -n ${IOTEMU_SANITIZE:-} ]]; then
    echo "($3: memory bound not checked under $IOTEMU_SANITIZE)"
    return 0
  fi
  local now; now=$(rss_kib)
  (((now - $1) < $2 * 1024)) ||
    fail "$3: the emulator grew by $(((now - $1) / 1024)) MiB (bound $2 MiB)"
}
