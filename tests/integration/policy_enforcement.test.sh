#!/usr/bin/env bash
# IoT policies decide CONNECT, PUBLISH, SUBSCRIBE and delivery the way AWS does for MQTT 3.1.1
# (docs/aws/iot-core.md §5.3): a denial drops the connection; explicit Deny wins; no policy means no
# connection; client publishes to reserved $aws topics are refused; a certificate that stops being
# ACTIVE loses its connections. And the 443-style listener that wants ALPN x-amzn-mqtt-ca.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

make_watcher watcher
register_jitr_ca fleet
make_signed device "/O=Fleet/CN=sensor-7" fleet
device_arn=$(iot register-certificate --certificate-pem file://device.crt --status ACTIVE |
  json_get - 'j["certificateArn"]')
device_id=${device_arn##*/}

# No policy attached: CONNECT is denied.
expect_dropped device.crt device.key -t sensors/sensor-7 -i sensor-7

# The policy uses variables: the client id must equal the certificate's CN, and the device may
# only publish and subscribe below its own name; one topic is explicitly denied.
cat >policy.json <<'JSON'
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Certificate.Subject.CommonName}"},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"arn:aws:iot:us-east-1:123456789012:topic/sensors/${iot:ClientId}/*"},
 {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/sensors/${iot:ClientId}/*"},
 {"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/sensors/${iot:ClientId}/secret"}]}
JSON
iot create-policy --policy-name sensor-policy --policy-document file://policy.json >/dev/null
iot attach-policy --policy-name sensor-policy --target "$device_arn"

start_sub watch watcher.crt watcher.key watcher-all 'sensors/#' -q 1
mqtt_pub device.crt device.key -q 1 -t sensors/sensor-7/temp -i sensor-7 -m 21.5 ||
  fail "an allowed publish failed"
wait_for_line watch.out "MSG sensors/sensor-7/temp 21.5" || fail "allowed message not delivered"

expect_dropped device.crt device.key -q 1 -t sensors/sensor-7/temp -i someone-else  # Connect
expect_dropped device.crt device.key -q 1 -t sensors/other/temp -i sensor-7            # Publish
expect_dropped device.crt device.key -q 1 -t sensors/sensor-7/secret -i sensor-7       # Deny wins
expect_dropped device.crt device.key -q 1 -t '$aws/events/presence/connected/x' -i sensor-7
mqtt_pub watcher.crt watcher.key -q 1 -t 'sensors/sensor-7/after' -i watcher-pub -m after
wait_for_line watch.out "MSG sensors/sensor-7/after after" || fail "broker stopped routing"
grep -q 'sensors/other/temp\|secret' watch.out && fail "a denied publish was delivered"

# SUBSCRIBE outside the grant drops the connection before any SUBACK.
if timeout 10 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" --cafile "$SERVER_CA" --cert device.crt \
  --key device.key -i sensor-7 -t 'sensors/#' -C 1 -W 5 >sub.out 2>&1; then
  fail "a denied subscribe succeeded"
fi
grep -q 'sensors/' sub.out && fail "a denied subscriber received messages"

# Allowed subscription receives; after the certificate is deactivated the device is cut off.
start_sub device-sub device.crt device.key sensor-7 'sensors/sensor-7/cmd' -q 1
mqtt_pub watcher.crt watcher.key -q 1 -t sensors/sensor-7/cmd -i watcher-pub -m first
wait_for_line device-sub.out "MSG sensors/sensor-7/cmd first" || fail "device did not receive"
auth_errors=$(grep -cF "'sensor-7' disconnected: AUTH_ERROR" "$WORK/emulator.log" || true)
iot update-certificate --certificate-id "$device_id" --new-status INACTIVE
wait_for_count "$WORK/emulator.log" "'sensor-7' disconnected: AUTH_ERROR" $((auth_errors + 1)) ||
  fail "the deactivated certificate's connection was not dropped"
mqtt_pub watcher.crt watcher.key -q 1 -t sensors/sensor-7/cmd -i watcher-pub -m second
if wait_for_line device-sub.out "MSG sensors/sensor-7/cmd second" 2; then
  fail "an INACTIVE certificate still receives"
fi

# ALPN x-amzn-mqtt-ca on the 443-style listener: required there, not on 8883.
[[ -n $ALPN_PORT ]] || fail "no alpn_port in the ready file"
timeout 20 mosquitto_pub -h "$MQTT_HOST" -p "$ALPN_PORT" --cafile "$SERVER_CA" --cert watcher.crt \
  --key watcher.key --tls-alpn x-amzn-mqtt-ca -i alpn-ok -t alpn/test -m ok ||
  fail "ALPN x-amzn-mqtt-ca was refused"
# Without ALPN the port speaks HTTPS (docs/aws/data-plane.md §2.1): MQTT bytes are no request.
if timeout 20 mosquitto_pub -h "$MQTT_HOST" -p "$ALPN_PORT" --cafile "$SERVER_CA" --cert watcher.crt \
  --key watcher.key -i alpn-missing -t alpn/test -m no 2>/dev/null; then
  fail "the ALPN listener served MQTT to a client without ALPN"
fi
pass
