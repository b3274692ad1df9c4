#!/usr/bin/env bash
# The CA workflow of AWS's JITR blog (docs/aws/iot-core.md §3, [BLOG-JITR]), step by step with
# the real aws CLI and openssl: registration code, verification certificate, register, activate
# with auto-registration, describe, register a device certificate, list by CA, revoke.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

# $ openssl genrsa -out sampleCACertificate.key 2048
# $ openssl req -x509 -new -nodes -key sampleCACertificate.key -sha256 -days 365 -out sampleCACertificate.pem
make_ca sampleCACertificate "/C=US/O=Blog Sample/CN=Sample CA"

# $ aws iot get-registration-code — the same code until it is deleted
code=$(iot get-registration-code | json_get - 'j["registrationCode"]')
[[ $code =~ ^[0-9a-f]{64}$ ]] || fail "registration code '$code' is not 64 lowercase hex"
expect_eq "$(iot get-registration-code | json_get - 'j["registrationCode"]')" "$code" \
  "second get-registration-code"

# Verification certificate: a CSR whose CN is the registration code, signed by the CA.
openssl genrsa -out privateKeyVerification.key 2048 2>/dev/null
openssl req -new -key privateKeyVerification.key -subj "/CN=$code" \
  -out privateKeyVerification.csr 2>/dev/null
openssl x509 -req -in privateKeyVerification.csr -CA sampleCACertificate.pem \
  -CAkey sampleCACertificate.key -CAcreateserial -out privateKeyVerification.crt -days 365 \
  -sha256 2>/dev/null

# $ aws iot register-ca-certificate --ca-certificate file://… --verification-certificate file://…
iot register-ca-certificate --ca-certificate file://sampleCACertificate.pem \
  --verification-certificate file://privateKeyVerification.crt >register.json
ca_id=$(json_get register.json 'j["certificateId"]')
expect_eq "$ca_id" "$(certificate_id sampleCACertificate.pem)" "CA certificate id (SHA-256 of DER)"
expect_eq "$(json_get register.json 'j["certificateArn"]')" \
  "arn:aws:iot:us-east-1:123456789012:cacert/$ca_id" "CA certificate ARN"

# Registered INACTIVE with auto-registration DISABLE by default.
iot describe-ca-certificate --certificate-id "$ca_id" >describe.json
expect_eq "$(json_get describe.json 'j["certificateDescription"]["status"]')" INACTIVE "initial status"
expect_eq "$(json_get describe.json 'j["certificateDescription"]["autoRegistrationStatus"]')" \
  DISABLE "initial auto-registration"
expect_eq "$(json_get describe.json 'j["certificateDescription"]["ownedBy"]')" 123456789012 "ownedBy"
expect_eq "$(json_get describe.json 'j["certificateDescription"]["certificatePem"].strip()')" \
  "$(cat sampleCACertificate.pem)" "certificatePem"
python3 - describe.json <<'PY' || fail "describe-ca-certificate timestamps/validity are not epoch numbers"
import json, sys, time
d = json.load(open(sys.argv[1]))["certificateDescription"]
assert abs(d["creationDate"] - time.time()) < 600, d["creationDate"]
assert d["validity"]["notAfter"] > d["validity"]["notBefore"]
assert d["customerVersion"] == 1 and d["certificateMode"] == "DEFAULT"
PY

# $ aws iot update-ca-certificate --new-status ACTIVE --new-auto-registration-status ENABLE
iot update-ca-certificate --certificate-id "$ca_id" --new-status ACTIVE \
  --new-auto-registration-status ENABLE
iot describe-ca-certificate --certificate-id "$ca_id" >describe.json
expect_eq "$(json_get describe.json 'j["certificateDescription"]["status"]')" ACTIVE "status after update"
expect_eq "$(json_get describe.json 'j["certificateDescription"]["autoRegistrationStatus"]')" \
  ENABLE "auto-registration after update"

iot list-ca-certificates >list.json
expect_eq "$(json_get list.json '[c["certificateId"] for c in j["certificates"]]')" "[\"$ca_id\"]" \
  "list-ca-certificates"

# A device certificate signed by the CA, registered explicitly.
make_signed deviceCert "/CN=device-0001" sampleCACertificate
iot register-certificate --certificate-pem file://deviceCert.crt \
  --ca-certificate-pem file://sampleCACertificate.pem >device.json
device_id=$(json_get device.json 'j["certificateId"]')
expect_eq "$device_id" "$(certificate_id deviceCert.crt)" "device certificate id"
iot describe-certificate --certificate-id "$device_id" >device-describe.json
expect_eq "$(json_get device-describe.json 'j["certificateDescription"]["status"]')" INACTIVE \
  "device certificate default status"
expect_eq "$(json_get device-describe.json 'j["certificateDescription"]["caCertificateId"]')" \
  "$ca_id" "device certificate's caCertificateId"

# Without --ca-certificate-pem the registered CA is found by its signature.
make_signed deviceCert2 "/CN=device-0002" sampleCACertificate ec
device2_id=$(iot register-certificate --certificate-pem file://deviceCert2.crt --status ACTIVE |
  json_get - 'j["certificateId"]')

iot list-certificates-by-ca --ca-certificate-id "$ca_id" >by-ca.json
expect_eq "$(json_get by-ca.json 'sorted(c["certificateId"] for c in j["certificates"])')" \
  "$(python3 -c 'import json,sys; print(json.dumps(sorted(sys.argv[1:])))' "$device_id" "$device2_id")" \
  "list-certificates-by-ca"

# Revocation is final.
iot update-certificate --certificate-id "$device_id" --new-status REVOKED
expect_eq "$(iot describe-certificate --certificate-id "$device_id" |
  json_get - 'j["certificateDescription"]["status"]')" REVOKED "status after revoke"
expect_aws_error CertificateStateException iot update-certificate --certificate-id "$device_id" \
  --new-status ACTIVE
expect_aws_error InvalidRequestException iot update-certificate --certificate-id "$device2_id" \
  --new-status PENDING_ACTIVATION

# Deactivating the CA before deleting it, as AWS requires.
expect_aws_error CertificateStateException iot delete-ca-certificate --certificate-id "$ca_id"
pass
