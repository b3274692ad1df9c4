#!/usr/bin/env bash
# A function scales to concurrent executions (docs/aws/provisioning-and-services.md §5.6). With
# --lambda-concurrency 4, four Invokes at once run in four processes at the same time — each
# waits inside the handler until all four are in — and the journal records four lambda.invoked.
# A function just created has a process with its handler loaded before the first invocation
# (pre-warm), and a configuration update replaces it with one on the new configuration. Proven
# by what the handlers see, never by timing.
source "$(dirname "$0")/lib.sh"
start_emulator --lambda-concurrency 4
cd "$WORK"
mkdir -p marks room

# wait_for_marks N: at least N processes have loaded the handler module.
wait_for_marks() {
  local deadline=$((SECONDS + 60))
  until (($(ls marks | wc -l) >= $1)); do
    ((SECONDS < deadline)) || fail "$1 processes never loaded: $(ls marks)"
    sleep 0.05
  done
}
loaded_pids() { ls marks | sed 's/^loaded-//' | sort; }

deploy_function gather python3.12 handlers.gather gathering_python --timeout 90 \
  --environment "Variables={MARKS=$WORK/marks}" >/dev/null
wait_for_marks 1
expect_eq "$(loaded_pids | wc -l)" 1 "processes loaded by CreateFunction, before any invocation"
prewarmed=$(loaded_pids)

# Four synchronous Invokes at once; the handler returns only when all four are inside it.
start=$(journal_cursor)
echo "{\"room\": \"$WORK/room\", \"n\": 4}" >gather.json
invokers=()
for i in 1 2 3 4; do
  lambda_cli invoke --function-name gather --payload fileb://gather.json --cli-read-timeout 120 \
    "out-$i.json" >/dev/null 2>"err-$i.txt" &
  invokers+=($!)
done
for i in 1 2 3 4; do
  wait "${invokers[$((i - 1))]}" || fail "invoke $i failed: $(cat "err-$i.txt")"
done
answers=$(python3 -c '
import json, sys
answers = [json.load(open(f"out-{i}.json")) for i in range(1, 5)]
print(json.dumps({"together": all(a["together"] for a in answers),
                  "pids": sorted({a["pid"] for a in answers})}))')
expect_eq "$(json_get - 'j["together"]' <<<"$answers")" true "all four inside the handler at once"
expect_eq "$(json_get - 'len(j["pids"])' <<<"$answers")" 4 "processes serving the four"
json_get - "$prewarmed in j['pids']" <<<"$answers" | grep -q true ||
  fail "the pre-warmed process $prewarmed served none of them: $answers"
invoked=$(harness "journal?after=$start&kind=lambda.")
expect_eq "$(json_get - "len([e for e in j['events'] if e['kind'] == 'lambda.invoked'
  and e['functionName'] == 'gather' and e['result'] == 'success'
  and any(l.startswith('together') for l in e['logLines'])])" <<<"$invoked")" 4 \
  "lambda.invoked in the journal"

# An update: a process on the new configuration loads before the next invocation, which it
# serves; the four on the old one end (they were idle).
old_pids=$(loaded_pids)
lambda_cli update-function-configuration --function-name gather \
  --environment "Variables={MARKS=$WORK/marks,CODE=second}" >/dev/null
wait_for_marks 5
new_pid=$(comm -13 <(echo "$old_pids") <(loaded_pids))
expect_eq "$(echo "$new_pid" | wc -l)" 1 "processes loaded by the update"
rm -f room/*
echo "{\"room\": \"$WORK/room\", \"n\": 1}" >one.json
lambda_cli invoke --function-name gather --payload fileb://one.json after.json >/dev/null
expect_eq "$(json_get after.json 'j["code"]')" second "configuration seen after the update"
expect_eq "$(json_get after.json 'j["pid"]')" "$new_pid" "process serving after the update"
for pid in $old_pids; do
  deadline=$((SECONDS + 10))
  while [[ -r /proc/$pid/stat ]] && [[ $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) != Z ]]; do
    ((SECONDS < deadline)) || fail "process $pid on the old configuration outlived the update"
    sleep 0.05
  done
done

# DeleteFunction ends the warm process.
lambda_cli delete-function --function-name gather
deadline=$((SECONDS + 10))
while [[ -r /proc/$new_pid/stat ]] && [[ $(cut -d' ' -f3 "/proc/$new_pid/stat" 2>/dev/null) != Z ]]; do
  ((SECONDS < deadline)) || fail "the warm process outlived DeleteFunction"
  sleep 0.05
done
pass
