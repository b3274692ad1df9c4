#!/usr/bin/env bash
# The JITR flow of AWS's blog and workshop with the real mosquitto clients: CA registered with
# auto-registration; a device certificate signed by it; the first `mosquitto_pub --cert
# deviceCertAndCACert.crt` loses its connection; a subscriber on
# $aws/events/certificates/registered/# receives the exact event; the certificate is
# PENDING_ACTIVATION; activation and the blog's policy through the aws CLI; the second publish
# reaches a subscriber. RSA-2048 and ECDSA P-256 device keys.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

register_jitr_ca sampleCACertificate
make_watcher watcher
start_sub events watcher.crt watcher.key watcher-events '$aws/events/certificates/registered/#' -q 1

for keyalg in rsa ec; do
  make_signed "device-$keyalg" "/O=Fleet/CN=device-$keyalg" sampleCACertificate "$keyalg"
  cat "device-$keyalg.crt" sampleCACertificate.pem >"device-${keyalg}AndCACert.crt"
  cert_id=$(certificate_id "device-$keyalg.crt")

  # First connection: registered, event published, dropped before CONNACK.
  expect_dropped "device-${keyalg}AndCACert.crt" "device-$keyalg.key" -q 1 -t foo/bar -i anyclientID
  wait_for_line events.out "\"certificateId\":\"$cert_id\"" || fail "no registration event for $keyalg"
  grep -F "\"certificateId\":\"$cert_id\"" events.out | head -1 | cut -d' ' -f3- >"event-$keyalg.json"
  python3 - "event-$keyalg.json" "$cert_id" "$CA_ID" <<'PY' || fail "registration event has the wrong shape"
import json, sys, time
event = json.load(open(sys.argv[1]))
assert set(event) == {"certificateId", "caCertificateId", "timestamp", "certificateStatus",
                      "awsAccountId", "certificateRegistrationTimestamp"}, event
assert event["certificateId"] == sys.argv[2] and event["caCertificateId"] == sys.argv[3]
assert event["certificateStatus"] == "PENDING_ACTIVATION" and event["awsAccountId"] == "123456789012"
assert isinstance(event["timestamp"], int) and abs(event["timestamp"] / 1000 - time.time()) < 60
assert isinstance(event["certificateRegistrationTimestamp"], str)
assert int(event["certificateRegistrationTimestamp"]) <= event["timestamp"]
PY
  grep -q "MSG \$aws/events/certificates/registered/$CA_ID " events.out || fail "event on the wrong topic"

  iot describe-certificate --certificate-id "$cert_id" >describe.json
  expect_eq "$(json_get describe.json 'j["certificateDescription"]["status"]')" PENDING_ACTIVATION \
    "status after the first connect"
  expect_eq "$(json_get describe.json 'j["certificateDescription"]["caCertificateId"]')" "$CA_ID" \
    "caCertificateId of the auto-registered certificate"

  # Connecting again while PENDING_ACTIVATION publishes the event again (docs/aws/iot-core.md §3.4).
  before=$(grep -c "\"certificateId\":\"$cert_id\"" events.out)
  expect_dropped "device-${keyalg}AndCACert.crt" "device-$keyalg.key" -q 1 -t foo/bar -i anyclientID
  wait_for_line events.out "PENDING_ACTIVATION" || true
  deadline=$((SECONDS + 10))
  until (( $(grep -c "\"certificateId\":\"$cert_id\"" events.out) > before )); do
    ((SECONDS < deadline)) || fail "no second event while PENDING_ACTIVATION"
    sleep 0.05
  done

  # What the blog's Lambda does: policy, attach, activate.
  arn="arn:aws:iot:us-east-1:123456789012:cert/$cert_id"
  cat >"policy-$keyalg.json" <<JSON
{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["iot:Connect"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/$cert_id"]},
 {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/foo/bar/$cert_id/*"]},
 {"Effect":"Allow","Action":["iot:Subscribe"],"Resource":["arn:aws:iot:us-east-1:123456789012:topicfilter/foo/bar/$cert_id/#"]}]}
JSON
  iot create-policy --policy-name "Policy_$cert_id" --policy-document "file://policy-$keyalg.json" >/dev/null
  iot attach-principal-policy --policy-name "Policy_$cert_id" --principal "$arn"
  iot update-certificate --certificate-id "$cert_id" --new-status ACTIVE

  # The device now connects with client id = certificate id and publishes under foo/bar/<id>/.
  start_sub "app-$keyalg" watcher.crt watcher.key "watcher-app-$keyalg" "foo/bar/$cert_id/#" -q 1
  mqtt_pub "device-$keyalg.crt" "device-$keyalg.key" -q 1 -t "foo/bar/$cert_id/hello" \
    -i "$cert_id" -m "Hello from $keyalg" || fail "second publish ($keyalg) failed"
  wait_for_line "app-$keyalg.out" "MSG foo/bar/$cert_id/hello Hello from $keyalg" ||
    fail "subscriber did not receive the device's message ($keyalg)"

  # The device can subscribe to its own topics (the blog policy's topicfilter grant).
  start_sub "self-$keyalg" "device-$keyalg.crt" "device-$keyalg.key" "$cert_id" "foo/bar/$cert_id/#" -q 1
  mqtt_pub watcher.crt watcher.key -q 1 -t "foo/bar/$cert_id/cmd" -i watcher-pub -m "to device" ||
    fail "watcher publish failed"
  wait_for_line "self-$keyalg.out" "MSG foo/bar/$cert_id/cmd to device" ||
    fail "the device did not receive on its own topic ($keyalg)"
done
pass
