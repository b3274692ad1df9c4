#!/usr/bin/env bash
# Every connect is a full mutual-TLS handshake: the broker issues no TLS 1.3 session ticket and
# resumes no TLS 1.2 session (bench/README.md, "What this machine class costs"). `openssl s_client`
# asks for both and reports what it got; a device that tries to resume gets a full handshake and
# is served as usual.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
make_watcher watcher

# s_client VERSION [ARGS…]: one connection to the MQTT port with the watcher's certificate, closed
# as soon as the handshake is done; prints what s_client says of it.
s_client() {
  local version=$1; shift
  openssl s_client -connect "$MQTT_HOST:$MQTT_PORT" -CAfile "$SERVER_CA" -cert watcher.crt \
    -key watcher.key "$version" "$@" </dev/null 2>&1
}

s_client -tls1_3 -sess_out tls13.session >tls13.out
grep -q '^New, TLSv1.3' tls13.out || fail "no TLS 1.3 handshake: $(cat tls13.out)"
grep -q 'TLS session ticket:' tls13.out && fail "a TLS 1.3 session ticket was issued"
[[ -s tls13.session ]] && fail "s_client got a TLS 1.3 session to resume"

s_client -tls1_2 -sess_out tls12.session >tls12.out
grep -q '^New, TLSv1.2' tls12.out || fail "no TLS 1.2 handshake: $(cat tls12.out)"
# No session id and no ticket leaves s_client nothing to offer; were there something, it must not
# be resumed.
if [[ -s tls12.session ]]; then
  s_client -tls1_2 -sess_in tls12.session >resumed.out
  grep -q '^New, TLSv1.2' resumed.out || fail "a TLS 1.2 session was resumed: $(cat resumed.out)"
fi

# The device that offered its session is served: a message reaches a subscriber.
start_sub all watcher.crt watcher.key watcher-sub 'tls/check' -q 1
mqtt_pub watcher.crt watcher.key -i watcher-pub -t tls/check -q 1 -m hello || fail "publish failed"
wait_for_line all.out 'hello' || fail "the message did not arrive"
pass
