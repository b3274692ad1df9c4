#!/usr/bin/env bash
# Every refusal row of docs/aws/iot-core.md §3.4: CA INACTIVE, auto-registration DISABLE, unknown
# issuer, a CA with the same subject but another key, INACTIVE and REVOKED certificates — each
# dropped, nothing registered, no event. And the accepting rows: an ACTIVE certificate whose CA was
# deactivated since, and a leaf of a registered intermediate CA.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

make_watcher watcher
start_sub events watcher.crt watcher.key watcher-events '$aws/events/#' -q 1
register_jitr_ca fleet "/O=Fleet/CN=Fleet CA"
fleet_id=$CA_ID

not_registered() {  # not_registered CERT_FILE WHAT
  local id
  id=$(certificate_id "$1")
  expect_aws_error ResourceNotFoundException iot describe-certificate --certificate-id "$id"
  grep -q "$id" events.out && fail "$2: a registration event was published"
  return 0
}

# CA INACTIVE.
make_ca inactive-ca "/O=Fleet/CN=Inactive CA"
inactive_id=$(register_ca_with_verification inactive-ca --allow-auto-registration)
make_signed d-inactive-ca "/CN=d1" inactive-ca
expect_dropped d-inactive-ca.crt d-inactive-ca.key -t t -i d1
not_registered d-inactive-ca.crt "CA INACTIVE"

# Auto-registration DISABLE.
make_ca disabled-ca "/O=Fleet/CN=Disabled CA"
register_ca_with_verification disabled-ca --set-as-active >/dev/null
make_signed d-disabled "/CN=d2" disabled-ca
expect_dropped d-disabled.crt d-disabled.key -t t -i d2
not_registered d-disabled.crt "auto-registration DISABLE"

# Unknown issuer, and an impostor CA with the registered CA's subject but another key.
make_ca stranger "/O=Elsewhere/CN=Stranger CA"
make_signed d-stranger "/CN=d3" stranger
expect_dropped d-stranger.crt d-stranger.key -t t -i d3
not_registered d-stranger.crt "unknown issuer"
make_ca impostor "/O=Fleet/CN=Fleet CA"
make_signed d-impostor "/CN=d4" impostor
cat d-impostor.crt impostor.pem >d-impostorAndCA.crt
expect_dropped d-impostorAndCA.crt d-impostor.key -t t -i d4
not_registered d-impostor.crt "same subject, other key"

# INACTIVE and REVOKED certificates: no registration, no event.
for status in INACTIVE REVOKED; do
  make_signed "d-$status" "/CN=$status" fleet
  id=$(iot register-certificate --certificate-pem "file://d-$status.crt" --status ACTIVE |
    json_get - 'j["certificateId"]')
  iot update-certificate --certificate-id "$id" --new-status "$status"
  expect_dropped "d-$status.crt" "d-$status.key" -t t -i "d-$status"
  grep -q "$id" events.out && fail "$status certificate produced an event"
  expect_eq "$(iot describe-certificate --certificate-id "$id" |
    json_get - 'j["certificateDescription"]["status"]')" "$status" "$status stays $status"
done

# An ACTIVE certificate keeps working after its CA is deactivated (docs/aws/iot-core.md §1.6).
make_signed d-active "/CN=d-active" fleet
active_arn=$(iot register-certificate --certificate-pem file://d-active.crt --status ACTIVE |
  json_get - 'j["certificateArn"]')
iot create-policy --policy-name allow-all --policy-document "$ALLOW_ALL" >/dev/null
iot attach-policy --policy-name allow-all --target "$active_arn"
iot update-ca-certificate --certificate-id "$fleet_id" --new-status INACTIVE
mqtt_pub d-active.crt d-active.key -q 1 -t fleet/status -i d-active -m up ||
  fail "an ACTIVE certificate of an INACTIVE CA could not connect"
make_signed d-after "/CN=d-after" fleet
expect_dropped d-after.crt d-after.key -t t -i d-after
not_registered d-after.crt "new certificate of a deactivated CA"

# A registered intermediate CA is the direct signer of its leaves; the root is not.
make_ca root "/O=Fleet/CN=Root"
make_intermediate intermediate "/O=Fleet/CN=Intermediate" root
intermediate_id=$(register_ca_with_verification intermediate --set-as-active --allow-auto-registration)
make_signed d-leaf "/CN=leaf" intermediate
cat d-leaf.crt intermediate.pem >d-leafAndCA.crt
expect_dropped d-leafAndCA.crt d-leaf.key -t t -i leaf
leaf_id=$(certificate_id d-leaf.crt)
wait_for_line events.out "\"certificateId\":\"$leaf_id\"" || fail "no event for the intermediate's leaf"
expect_eq "$(iot describe-certificate --certificate-id "$leaf_id" |
  json_get - 'j["certificateDescription"]["caCertificateId"]')" "$intermediate_id" "leaf's CA"
pass
