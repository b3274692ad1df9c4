#!/usr/bin/env bash
# AWS IoT's MQTT 3.1.1 flavour with the real mosquitto clients (docs/aws/iot-core.md §6.2): retained
# messages (delivered only to a filter equal to the topic, deleted by an empty retained publish),
# persistent sessions (clean session false keeps subscriptions and queues QoS 1), client-id
# takeover, the last will on an abnormal end and not after DISCONNECT.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
make_watcher w

# Retained.
mqtt_pub w.crt w.key -q 1 -r -t 'home/lamp/state' -i w-pub -m on || fail "retained publish failed"
start_sub exact w.crt w.key w-exact 'home/lamp/state' -q 1
wait_for_line exact.out "MSG home/lamp/state on" || fail "exact filter did not get the retained message"
start_sub wild w.crt w.key w-wild 'home/#' -q 1
mqtt_pub w.crt w.key -q 1 -t 'home/lamp/other' -i w-pub -m marker || fail "publish failed"
wait_for_line wild.out "MSG home/lamp/other marker" || fail "wildcard subscriber got nothing"
grep -q 'MSG home/lamp/state on' wild.out && fail "a wildcard filter received a retained message"
mqtt_pub w.crt w.key -q 1 -r -t 'home/lamp/state' -i w-pub -n || fail "retained delete failed"
timeout 10 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert w.crt \
  --key w.key -i w-late -t 'home/lamp/state' -q 1 -C 1 -W 2 -F 'MSG %t %p' >late.out 2>&1 || true
grep -q 'MSG home/lamp/state on' late.out && fail "a deleted retained message was delivered"

# Persistent session: subscribe with clean session false, leave, receive what was queued.
timeout 10 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert w.crt \
  --key w.key -i w-persistent -c -q 1 -t 'queue/#' -E || fail "persistent subscribe failed"
mqtt_pub w.crt w.key -q 1 -t queue/job -i w-pub -m job-1 || fail "publish to offline session failed"
mqtt_pub w.crt w.key -q 0 -t queue/job -i w-pub -m qos0-dropped || fail "QoS 0 publish failed"
timeout 10 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert w.crt \
  --key w.key -i w-persistent -c -q 1 -t 'queue/#' -C 1 -W 5 -F 'MSG %t %p' >queued.out 2>&1 ||
  fail "resuming the persistent session failed: $(cat queued.out)"
grep -q 'MSG queue/job job-1' queued.out || fail "the queued QoS 1 message was not delivered"
grep -q 'qos0-dropped' queued.out && fail "a QoS 0 message was queued for an offline session"

# Takeover: a second connection with the same client id wins; the first is dropped.
start_sub first w.crt w.key w-same 'takeover/#' -q 1
mqtt_pub w.crt w.key -q 1 -t takeover/x -i w-same -m hi || fail "takeover connection failed"
wait_for_line "$WORK/emulator.log" "'w-same' disconnected: DUPLICATE_CLIENTID" ||
  fail "the first connection was not dropped with DUPLICATE_CLIENTID"

# Last will: published when the client dies, not after a clean DISCONNECT.
start_sub wills w.crt w.key w-wills 'wills/#' -q 1
stdbuf -oL mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert w.crt \
  --key w.key \
  -i w-mortal -t 'mortal/#' --will-topic wills/mortal --will-payload gone --will-qos 1 \
  -d >mortal.out 2>&1 &
mortal=$!
wait_for_line mortal.out 'received SUBACK' || fail "mortal client did not subscribe"
kill -KILL "$mortal"
wait_for_line wills.out "MSG wills/mortal gone" || fail "the will was not published"
mqtt_pub w.crt w.key -q 1 -t wills/polite -i w-polite --will-topic wills/polite-will \
  --will-payload never -m bye || fail "polite client failed"
mqtt_pub w.crt w.key -q 1 -t wills/marker -i w-pub -m marker || fail "marker publish failed"
wait_for_line wills.out "MSG wills/marker marker" || fail "marker not delivered"
grep -q 'never' wills.out && fail "a will was published after a clean DISCONNECT"
pass
