#!/usr/bin/env bash
# Broker bounds (docs/limits.md §5): one connection asking for 64 subscriptions gets AWS's 50
# and stays connected; three offline persistent sessions flooded with 1200 QoS 1 messages of
# 64 KiB each keep 8 MiB apiece (the newest), so memory stays put, and another client's messages
# keep flowing.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
start_emulator
cd "$WORK"
make_watcher watcher
probe() { python3 "$here/bounds_broker.py" "$1" localhost "$MQTT_PORT" "$SERVER_CA" watcher.crt watcher.key; }

probe subscriptions || fail "the subscription quota"
probe park || fail "parking three persistent sessions"
base_rss=$(rss_kib)
start_sub live watcher.crt watcher.key watcher-live 'live/#' -q 1
probe flood || fail "flooding the parked sessions"
expect_rss_within "$base_rss" 48 "after 3 x 1200 queued messages of 64 KiB"
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t live/1 -m alive || fail "publish failed"
wait_for_line live.out "MSG live/1 alive" || fail "a live subscriber stopped getting messages"
probe collect || fail "collecting a parked session's messages"
kill -0 "$EMULATOR_PID" || fail "the emulator died"
stop_emulator
pass
