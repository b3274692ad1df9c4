#!/usr/bin/env bash
# Bad input gets the AWS error a real client expects, the emulator keeps serving, and a failed
# call changes nothing: malformed PEM, wrong verification certificates, invalid JSON, wrong types,
# unknown ids, names breaking the model's patterns, oversized bodies, unknown routes.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

code=$(iot get-registration-code | json_get - 'j["registrationCode"]')
make_ca ca "/O=Acme/CN=Acme Root"
make_ca other "/O=Acme/CN=Acme Root"   # same subject, different key

# Malformed PEM.
printf -- '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n' >bad.pem
expect_aws_error CertificateValidationException iot register-ca-certificate \
  --ca-certificate file://bad.pem --verification-certificate file://bad.pem
expect_aws_error CertificateValidationException iot register-certificate-without-ca \
  --certificate-pem file://bad.pem

# Verification certificate with the wrong CN.
make_signed wrong_cn "/CN=not-the-registration-code" ca
expect_aws_error RegistrationCodeValidationException iot register-ca-certificate \
  --ca-certificate file://ca.pem --verification-certificate file://wrong_cn.crt

# Verification certificate with the right CN signed by another key.
make_signed verification_other "/CN=$code" other
expect_aws_error CertificateValidationException iot register-ca-certificate \
  --ca-certificate file://ca.pem --verification-certificate file://verification_other.crt

# DEFAULT mode needs a verification certificate; SNI_ONLY forbids one.
make_signed verification "/CN=$code" ca
expect_aws_error InvalidRequestException iot register-ca-certificate --ca-certificate file://ca.pem
expect_aws_error InvalidRequestException iot register-ca-certificate --ca-certificate file://ca.pem \
  --verification-certificate file://verification.crt --certificate-mode SNI_ONLY

# None of that registered anything.
expect_eq "$(iot list-ca-certificates | json_get - 'len(j["certificates"])')" 0 \
  "CA certificates after failed calls"

# The good call, then the same CA again.
ca_id=$(iot register-ca-certificate --ca-certificate file://ca.pem \
  --verification-certificate file://verification.crt | json_get - 'j["certificateId"]')
out=$(aws --endpoint-url "$API" iot register-ca-certificate --ca-certificate file://ca.pem \
  --verification-certificate file://verification.crt 2>&1) && fail "duplicate CA accepted"
[[ $out == *"(ResourceAlreadyExistsException)"* ]] || fail "duplicate CA: $out"

# A device certificate whose issuer is not registered.
make_signed stray "/CN=stray" other
expect_aws_error CertificateValidationException iot register-certificate \
  --certificate-pem file://stray.crt

# Unknown ids and malformed ids.
unknown=$(printf '%064d' 0)
expect_aws_error ResourceNotFoundException iot describe-ca-certificate --certificate-id "$unknown"
expect_aws_error ResourceNotFoundException iot describe-certificate --certificate-id "$unknown"
expect_aws_error ResourceNotFoundException iot update-certificate --certificate-id "$unknown" \
  --new-status ACTIVE
expect_aws_error ResourceNotFoundException iot describe-thing --thing-name nobody
expect_aws_error ResourceNotFoundException iot get-policy --policy-name nothing

# Names that break the model's patterns.
expect_aws_error InvalidRequestException iot create-thing --thing-name 'bad name!'
expect_aws_error InvalidRequestException iot create-thing --thing-name "$(printf 'x%.0s' {1..129})"
expect_aws_error InvalidRequestException iot create-policy --policy-name 'no spaces' \
  --policy-document '{"Version":"2012-10-17","Statement":[]}'

# Malformed policy documents.
expect_aws_error MalformedPolicyException iot create-policy --policy-name p1 \
  --policy-document '{not json'
expect_aws_error MalformedPolicyException iot create-policy --policy-name p1 \
  --policy-document '{"Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]}'

# Raw HTTP: invalid JSON, wrong member types, oversized bodies, unknown routes.
raw() {  # raw METHOD PATH [curl args…]: prints "status error-type" and the body to raw.json
  local method=$1 path=$2; shift 2
  curl -sS -o raw.json -D raw.headers -X "$method" "$API$path" "$@" -w '%{http_code}' >raw.status
  local type
  type=$(grep -i '^x-amzn-ErrorType:' raw.headers | cut -d' ' -f2 | tr -d '\r' || true)
  echo "$(cat raw.status) $type"
}
expect_eq "$(raw POST /cacertificate -H 'content-type: application/json' --data '{"caCertificate":')" \
  "400 InvalidRequestException" "invalid JSON body"
json_get raw.json 'j["message"]' >/dev/null || fail "error body has no message"
expect_eq "$(raw POST /cacertificate -H 'content-type: application/json' --data '{"caCertificate":42}')" \
  "400 InvalidRequestException" "caCertificate of the wrong type"
expect_eq "$(raw POST /things/typed --data '{"attributePayload":"nope"}')" \
  "400 InvalidRequestException" "attributePayload of the wrong type"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >big.txt
expect_eq "$(raw POST /things/big --data-binary @big.txt)" \
  "413 RequestEntityTooLargeException" "body over 1 MiB"
expect_eq "$(raw GET /no/such/operation)" "404 UnknownOperationException" "unknown route"
expect_eq "$(raw DELETE /registrationcode/extra)" "404 UnknownOperationException" "unknown route"
# (the CLI validates id lengths itself, so a malformed id goes raw)
expect_eq "$(raw GET /certificates/not-an-id)" "400 InvalidRequestException" "malformed certificate id"
expect_eq "$(raw GET '/certificates?pageSize=0')" "400 InvalidRequestException" "pageSize 0"
expect_eq "$(raw GET '/certificates?pageSize=abc')" "400 InvalidRequestException" "pageSize abc"
expect_eq "$(raw PUT "/certificates/$unknown?newStatus=SLEEPING")" "400 InvalidRequestException" \
  "unknown status enum"

# A client that sends garbage instead of HTTP does not hurt anyone else.
printf 'THIS IS NOT HTTP\r\n\r\n' | timeout 5 curl -s "telnet://${API#http://}" >/dev/null || true

# Still serving, and the one CA is intact.
expect_eq "$(iot get-registration-code | json_get - 'j["registrationCode"]')" "$code" \
  "registration code after bad input"
expect_eq "$(iot list-ca-certificates | json_get - '[c["certificateId"] for c in j["certificates"]]')" \
  "[\"$ca_id\"]" "CA certificates after bad input"
kill -0 "$EMULATOR_PID" || fail "emulator died"
pass
