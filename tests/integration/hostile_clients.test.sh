#!/usr/bin/env bash
# A hostile client neither crashes the broker nor stalls others: garbage after TLS, a 256 MB
# remaining length, a handshake that never finishes, plain text on the TLS port, a PUBLISH before
# CONNECT, and MQTT 5 packets AWS refuses (broken properties, an unsupported level, topic alias 0,
# subscription identifiers, AUTH, QoS 2), each answered with its reason code before the close.
# Meanwhile a well-behaved client keeps publishing and receiving.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

make_watcher watcher
python3 "$(dirname "$0")/hostile_clients.py" "$MQTT_HOST" "$MQTT_PORT" "$SERVER_CA" \
  watcher.crt watcher.key || fail "hostile client checks failed"
kill -0 "$EMULATOR_PID" || fail "the emulator died"
start_sub after watcher.crt watcher.key watcher-after 'after/#' -q 1
mqtt_pub watcher.crt watcher.key -q 1 -t after/check -i watcher-pub -m alive || fail "publish failed"
wait_for_line after.out "MSG after/check alive" || fail "broker stopped routing after the attacks"
pass
