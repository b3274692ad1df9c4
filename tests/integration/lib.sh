# Shared by the integration tests: start the real binary on ephemeral ports in a temp dir, wait
# for its ready file (no sleeps), drive it with real clients, and tear down on exit.
# Usage: source "$(dirname "$0")/lib.sh"; start_emulator; ...; pass
set -euo pipefail

: "${IOTEMU_BIN:?IOTEMU_BIN must point at build/iot-emulator (CTest sets it)}"
TEST_NAME=$(basename "$0" .test.sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iotemu-${TEST_NAME}.XXXXXX")
EMULATOR_PID=""

# The aws CLI and boto3 use dummy credentials and never read the user's own configuration.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_MAX_ATTEMPTS=1 AWS_PAGER=""

cleanup() {
  local status=$?
  if [[ -n $EMULATOR_PID ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill -TERM "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
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
  "$IOTEMU_BIN" --api-port 0 --mqtt-port 0 --https-port 0 --data-dir "$DATA_DIR" \
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
  SERVER_CA=$(json_get "$READY" 'j["server_ca_file"]')
}

stop_emulator() {
  kill -TERM "$EMULATOR_PID"
  wait "$EMULATOR_PID" || fail "emulator exited with status $? on SIGTERM"
  EMULATOR_PID=""
}

# iot ARGS…: the real aws CLI against the emulator, JSON output on stdout.
iot() { aws --endpoint-url "$API" --output json iot "$@"; }

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
