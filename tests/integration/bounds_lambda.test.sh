#!/usr/bin/env bash
# Handlers cannot outgrow the emulator (docs/limits.md §6): 100 MB of output is logged within
# bounds, an endless answer is Function.ResponseSizeTooLarge, a child process a handler leaves
# behind dies with it at the timeout and at DeleteFunction (idle or in the middle of an
# invocation), and SIGTERM stops the emulator within
# a second while a handler hangs — its child gone too. Meanwhile MQTT traffic flows.
source "$(dirname "$0")/lib.sh"
unruly=$HANDLERS/unruly_python
start_emulator \
  --function "printer=python3.12:handlers.prints:$unruly" \
  --function "answerer=python3.12:handlers.answers_forever:$unruly" \
  --function "hanger=python3.12:handlers.forks_and_hangs:$unruly" \
  --function "returner=python3.12:handlers.forks_and_returns:$unruly" \
  --function "stuck=python3.12:handlers.forks_and_hangs:$unruly" \
  --function "doomed=python3.12:handlers.forks_and_hangs:$unruly"
cd "$WORK"
base_rss=$(rss_kib)
base_log=$(stat -c %s emulator.log)

# gone PID: the process has ended (a zombie awaiting its reaper counts as ended).
gone() {
  local deadline=$((SECONDS + 2))
  while [[ -r /proc/$1/stat ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

lambda_cli invoke --function-name printer --payload '{}' printer.json >printer-meta.json ||
  fail "invoke printer failed"
grep -q '"printed": true' printer.json || fail "printer did not answer: $(cat printer.json)"
log_growth=$(($(stat -c %s emulator.log) - base_log))
((log_growth < 4 * 1024 * 1024)) || fail "100 MB of output grew the log by $log_growth bytes"
grep -q 'more bytes of output not logged' emulator.log || fail "the dropped output is not noted"

lambda_cli update-function-configuration --function-name answerer --timeout 30 >/dev/null
lambda_cli invoke --function-name answerer --payload '{}' answerer.json >/dev/null ||
  fail "invoke answerer failed"
grep -q 'Function.ResponseSizeTooLarge' answerer.json || fail "endless answer: $(head -c 300 answerer.json)"
expect_rss_within "$base_rss" 96 "after 100 MB of output and an endless answer"

lambda_cli update-function-configuration --function-name hanger --timeout 1 >/dev/null
lambda_cli invoke --function-name hanger --payload "{\"pidfile\":\"$WORK/hanger.pid\"}" \
  hanger.json >/dev/null || fail "invoke hanger failed"
grep -q 'timed out' hanger.json || fail "hanger did not time out: $(cat hanger.json)"
gone "$(cat hanger.pid)" || fail "the hanging handler's child outlived its timeout"

lambda_cli invoke --function-name returner --payload "{\"pidfile\":\"$WORK/returner.pid\"}" \
  returner.json >/dev/null || fail "invoke returner failed"
kill -0 "$(cat returner.pid)" || fail "the child should live while its function does"
lambda_cli delete-function --function-name returner
gone "$(cat returner.pid)" || fail "the handler's child outlived DeleteFunction"

# wait_for_file FILE: a handler has written it.
wait_for_file() {
  local deadline=$((SECONDS + 10))
  until [[ -s $1 ]]; do ((SECONDS < deadline)) || fail "$1 never appeared"; sleep 0.05; done
}

# DeleteFunction in the middle of an invocation ends it, the handler's child too.
lambda_cli update-function-configuration --function-name doomed --timeout 600 >/dev/null
lambda_cli invoke --function-name doomed --invocation-type Event \
  --payload "{\"pidfile\":\"$WORK/doomed.pid\"}" doomed.json >/dev/null || fail "invoke doomed failed"
wait_for_file doomed.pid
lambda_cli delete-function --function-name doomed
gone "$(cat doomed.pid)" || fail "a busy handler's child outlived DeleteFunction"

make_watcher watcher
start_sub live watcher.crt watcher.key watcher-live 'live/#' -q 1
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t live/1 -m alive || fail "publish failed"
wait_for_line live.out "MSG live/1 alive" || fail "MQTT stopped flowing"

# SIGTERM while a handler hangs: exit 0 within a second, the handler's child gone.
lambda_cli update-function-configuration --function-name stuck --timeout 600 >/dev/null
lambda_cli invoke --function-name stuck --invocation-type Event \
  --payload "{\"pidfile\":\"$WORK/stuck.pid\"}" stuck.json >/dev/null || fail "invoke stuck failed"
wait_for_file stuck.pid
started=$(date +%s%N)
stop_emulator
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
((elapsed_ms < 1000)) || fail "SIGTERM took $elapsed_ms ms with a handler hanging"
gone "$(cat stuck.pid)" || fail "the hanging handler's child outlived the emulator"
pass
