#!/usr/bin/env bash
# scripts/demo against a running emulator: every step of the JITR story is printed, with the
# registration event's payload, the Lambda's activation and the second connect's message.
source "$(dirname "$0")/lib.sh"
start_emulator
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/scripts/demo" --ready-file "$READY" >"$WORK/demo.out" 2>&1 || fail "demo failed: $(cat "$WORK/demo.out")"
out=$(cat "$WORK/demo.out")
for expected in \
  "registered: ACTIVE, auto-registration ENABLE" \
  "rule JITRRule: SELECT * FROM '\$aws/events/certificates/registered/#'" \
  "<- dropped, as AWS drops it" \
  '"certificateStatus":"PENDING_ACTIVATION"' \
  ": PENDING_ACTIVATION when registered" \
  ": ACTIVE" \
  "policies ['jitr_Policy']" \
  'observer received: dt/demo-device-1/temperature {"celsius":21}' \
  "JITR done"; do
  [[ $out == *"$expected"* ]] || fail "the demo's output lacks '$expected': $out"
done
pass
