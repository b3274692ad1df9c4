#!/usr/bin/env bash
# JITR against an emulator someone else started (API, MQTT_HOST, MQTT_PORT, SERVER_CA in the
# environment): a CA registered with auto-registration; a device's first connect registers its
# certificate PENDING_ACTIVATION and is dropped; once activated, it connects and publishes.
IOTEMU_BIN=unused  # lib.sh's helpers only: the emulator is the caller's
source "$(dirname "$0")/../integration/lib.sh"
: "${API:?}" "${MQTT_HOST:?}" "${MQTT_PORT:?}" "${SERVER_CA:?}"
TEST_NAME=embedded_jitr
cd "$WORK"

register_jitr_ca fleetCA /O=Fleet/CN=fleetCA ec
make_signed device "/O=Fleet/CN=embedded-device" fleetCA ec
cat device.crt fleetCA.pem >device-chain.crt
cert_id=$(certificate_id device.crt)

expect_dropped device-chain.crt device.key -q 1 -t devices/hello -i embedded-device
status=$(iot describe-certificate --certificate-id "$cert_id" |
  json_get - 'j["certificateDescription"]["status"]')
expect_eq "$status" PENDING_ACTIVATION "the certificate after the first connect"

iot update-certificate --certificate-id "$cert_id" --new-status ACTIVE
cert_arn=$(iot describe-certificate --certificate-id "$cert_id" |
  json_get - 'j["certificateDescription"]["certificateArn"]')
iot create-policy --policy-name embedded-device --policy-document "$ALLOW_ALL" >/dev/null
iot attach-policy --policy-name embedded-device --target "$cert_arn"

# QoS 1: mosquitto_pub succeeds only once the PUBACK came back.
mqtt_pub device-chain.crt device.key -q 1 -i embedded-device -t devices/hello -m '{"n":1}' ||
  fail "the activated device could not publish"
pass
