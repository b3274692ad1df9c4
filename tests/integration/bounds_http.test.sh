#!/usr/bin/env bash
# Both HTTP servers bound what is not body (docs/limits.md §4): a 66,000-byte chunked trailer,
# a 64 MiB chunk extension, 100 KB of headers and a chunked body over the limit are each refused
# on the API port and on the HTTPS data plane; the emulator keeps answering and its memory stays
# put.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
start_emulator
cd "$WORK"
base_rss=$(rss_kib)
make_watcher watcher

api_host=${API#http://}
python3 "$here/bounds_http.py" "${api_host%:*}" "${api_host##*:}" ||
  fail "API port probes failed"
python3 "$here/bounds_http.py" localhost "$HTTPS_PORT" "$SERVER_CA" watcher.crt watcher.key ||
  fail "HTTPS data plane probes failed"

kill -0 "$EMULATOR_PID" || fail "the emulator died"
iot list-things >/dev/null || fail "the API stopped answering"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$SERVER_CA" --cert watcher.crt \
  --key watcher.key -X POST "https://localhost:$HTTPS_PORT/topics/after?qos=1" -d '{}')
[[ $status == 200 ]] || fail "the HTTPS data plane stopped answering: $status"
expect_rss_within "$base_rss" 48 "after the HTTP probes"
stop_emulator
pass
