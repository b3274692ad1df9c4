#!/usr/bin/env bash
# The rules engine and the API survive hostile input (docs/limits.md §2, §3): a payload nested
# 60,000 deep to a `SELECT *` rule, deep arrays compared with `=`, backtracking-prone regular
# expressions on long strings, statements of 100,000 chained terms and a rule action nested
# 200,000 deep. Each is refused with AWS's error or handled within bounds; an unrelated rule
# keeps delivering, and memory stays put.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
base_rss=$(rss_kib)

make_watcher watcher
start_sub out watcher.crt watcher.key watcher-out 'out/#' -q 1
republish() {  # republish NAME SQL: a rule republishing what SQL selects to out/NAME
  iot create-topic-rule --rule-name "$1" --topic-rule-payload "$(python3 -c '
import json, sys
print(json.dumps({"sql": sys.argv[1], "awsIotSqlVersion": "2016-03-23", "actions": [{"republish":
    {"topic": "out/" + sys.argv[2], "roleArn": "arn:aws:iam::123456789012:role/r"}}]}))' "$2" "$1")"
}
republish other "SELECT 'ok' AS other FROM 'other/#'"
republish deep "SELECT * FROM 'deep/#'"
republish equal "SELECT 'equal' AS verdict FROM 'equal/#' WHERE a = b"
republish alternation "SELECT 'matched' AS verdict FROM 'rx/alt' WHERE regexp_matches(s, '(a|b)*')"
republish nested_plus "SELECT 'matched' AS verdict FROM 'rx/nested' WHERE regexp_matches(s, '^(a+)+\$')"
# Each probe is followed by a message to the unrelated rule, which must arrive promptly.
still_routing() {
  mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t "other/$1" -m '{}' || fail "publish failed after $1"
  wait_for_count out.out 'MSG out/other {"other":"ok"}' "$2" 10 || fail "the rules engine stalled after $1"
  kill -0 "$EMULATOR_PID" || fail "the emulator died after $1"
}

# A payload nested 60,000 deep is read as bytes: SELECT * passes them through unchanged.
python3 -c 'print("[" * 60000 + "]" * 60000, end="")' >deep.json
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t deep/1 -f deep.json || fail "deep publish failed"
wait_for_line out.out "MSG out/deep [[[[" 10 || fail "the deep payload was not passed through"
still_routing deep 1

# Two arrays nested 20,000 deep compared with `=`: too deep to be JSON, so Undefined, no match;
# 900 deep they are compared, without recursion, and equal.
python3 -c 'd = 20000; print("{\"a\":" + "[" * d + "]" * d + ",\"b\":" + "[" * d + "]" * d + "}", end="")' >eq-deep.json
python3 -c 'd = 900; print("{\"a\":" + "[" * d + "]" * d + ",\"b\":" + "[" * d + "]" * d + "}", end="")' >eq-ok.json
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t equal/deep -f eq-deep.json || fail "publish failed"
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t equal/ok -f eq-ok.json || fail "publish failed"
wait_for_count out.out 'MSG out/equal {"verdict":"equal"}' 1 10 || fail "900-deep equal arrays did not match"
still_routing equality 2
(($(grep -cF 'MSG out/equal' out.out) == 1)) || fail "20,000-deep arrays matched"

# Regular expressions that backtrack catastrophically elsewhere: linear time on RE2.
python3 -c 'print("{\"s\":\"" + "a" * 100000 + "\"}", end="")' >long.json
mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t rx/alt -f long.json || fail "publish failed"
for i in 1 2; do
  mqtt_pub watcher.crt watcher.key -q 1 -i w-pub -t rx/nested -m "{\"s\":\"$(printf 'a%.0s' {1..60})!\"}" ||
    fail "publish failed"
done
wait_for_line out.out 'MSG out/alternation {"verdict":"matched"}' 10 || fail "(a|b)* did not match"
still_routing regex 3
! grep -qF 'MSG out/nested_plus' out.out || fail "^(a+)+\$ matched a string ending in '!'"

# Statements of 20,000 chained terms: SqlParseException, not a crash; 100,000 are over the length.
for chain in " + a" " OR a = 1" ".m" "[0]" "100000 + a"; do
  python3 - "$chain" >chain.json <<'PY'
import json, sys
count, term = (100000, sys.argv[1][6:]) if sys.argv[1].startswith("100000") else (20000, sys.argv[1])
sql = "SELECT a" + term * count + " AS x FROM 'chain/#'"
print(json.dumps({"sql": sql, "actions": []}))
PY
  if out=$(iot create-topic-rule --rule-name chain --topic-rule-payload file://chain.json 2>&1); then
    fail "a chain of '$chain' was accepted"
  fi
  [[ $out == *"(SqlParseException)"*levels* || $out == *"(SqlParseException)"*"too long"* ]] ||
    fail "chain of '$chain': $out"
done

# A rule action nested 200,000 deep (a 400 KB body): InvalidRequestException.
python3 >nested.json <<'PY'
depth = 200000
action = ('{"republish":{"topic":"t","roleArn":"arn:aws:iam::123456789012:role/r","x":'
          + "[" * depth + "]" * depth + "}}")
print('{"sql":"SELECT * FROM \'x\'","actions":[' + action + "]}", end="")
PY
status=$(curl -s -D nested-headers.txt -o nested-answer.json -w '%{http_code}' -X POST "$API/rules/nested" \
  -H 'Content-Type: application/json' --data-binary @nested.json)
[[ $status == 400 ]] || fail "a 200,000-deep action answered $status: $(head -c 300 nested-answer.json)"
grep -qi '^x-amzn-ErrorType: InvalidRequestException' nested-headers.txt ||
  fail "not InvalidRequestException: $(cat nested-headers.txt)"
still_routing nested-action 4

expect_rss_within "$base_rss" 64 "after the rules probes"
stop_emulator
pass
