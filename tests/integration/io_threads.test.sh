#!/usr/bin/env bash
# --io-threads 4: connections on several I/O threads at once (io_threads_clients.py). Publishers
# and subscribers exchange QoS 1 messages and none is lost; clients take each other's client ids
# over, round after round, and each round leaves exactly one connection, still subscribed, as
# the lifecycle events agree; certificates deactivated or revoked from several threads lose
# every connection (AUTH_ERROR) and only theirs; afterwards the emulator still serves, and it
# logged no handler or connection that failed.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
PAHO_PYTHON=python3
python3 -c 'import paho.mqtt, boto3' 2>/dev/null || PAHO_PYTHON=/usr/bin/python3

start_emulator --io-threads 4
grep -qF "4 I/O threads (--io-threads)" "$WORK/emulator.log" || fail "the banner does not say 4 I/O threads"

"$PAHO_PYTHON" "$here/io_threads_clients.py" "$API" "$MQTT_HOST" "$MQTT_PORT" "$SERVER_CA" "$WORK" ||
  fail "the clients found the problems above"
iot list-things >/dev/null || fail "the API stopped answering"
if grep -E "an I/O handler failed|connection ended by an error" "$WORK/emulator.log"; then
  fail "a handler or connection failed"
fi
stop_emulator
pass
