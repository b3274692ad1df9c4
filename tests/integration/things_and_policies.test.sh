#!/usr/bin/env bash
# What a JITR Lambda does through the SDK, done with the aws CLI: create a policy, attach it to a
# certificate (both attach styles), create a thing and attach the certificate, activate; and
# the refusals AWS makes when deleting things still in use.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

# AWS-issued keys and certificate, and one from a CSR.
iot create-keys-and-certificate --set-as-active >keys.json
cert_id=$(json_get keys.json 'j["certificateId"]')
cert_arn=$(json_get keys.json 'j["certificateArn"]')
json_get keys.json 'j["keyPair"]["PrivateKey"]' >device.key
json_get keys.json 'j["certificatePem"]' >device.crt
expect_eq "$(certificate_id device.crt)" "$cert_id" "certificate id of create-keys-and-certificate"
expect_eq "$(openssl x509 -in device.crt -noout -pubkey | openssl sha256)" \
  "$(openssl pkey -in device.key -pubout | openssl sha256)" "issued key pair matches"
openssl verify -CAfile "$SERVER_CA" device.crt >/dev/null || fail "issued cert does not chain to the local CA"
expect_eq "$(iot describe-certificate --certificate-id "$cert_id" |
  json_get - 'j["certificateDescription"]["status"]')" ACTIVE "set-as-active"

openssl ecparam -name prime256v1 -genkey -noout -out csr.key 2>/dev/null
openssl req -new -key csr.key -subj "/CN=from-csr" -out device.csr 2>/dev/null
csr_id=$(iot create-certificate-from-csr --certificate-signing-request file://device.csr |
  json_get - 'j["certificateId"]')
expect_eq "$(iot describe-certificate --certificate-id "$csr_id" |
  json_get - 'j["certificateDescription"]["status"]')" INACTIVE "certificate from CSR, default status"

# Policy, attached by both APIs (AttachPolicy and the blog Lambda's AttachPrincipalPolicy).
doc='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}'
iot create-policy --policy-name Policy_one --policy-document "$doc" >policy.json
expect_eq "$(json_get policy.json 'j["policyVersionId"]')" 1 "first policy version"
expect_aws_error ResourceAlreadyExistsException iot create-policy --policy-name Policy_one \
  --policy-document "$doc"
iot attach-policy --policy-name Policy_one --target "$cert_arn"
iot attach-principal-policy --policy-name Policy_one --principal "$cert_arn"  # idempotent
expect_eq "$(iot list-attached-policies --target "$cert_arn" |
  json_get - '[p["policyName"] for p in j["policies"]]')" '["Policy_one"]' "list-attached-policies"
expect_eq "$(iot list-principal-policies --principal "$cert_arn" |
  json_get - '[p["policyName"] for p in j["policies"]]')" '["Policy_one"]' "list-principal-policies"
expect_eq "$(iot list-targets-for-policy --policy-name Policy_one | json_get - 'j["targets"]')" \
  "[\"$cert_arn\"]" "list-targets-for-policy"

# Versions.
iot create-policy-version --policy-name Policy_one --policy-document "$doc" --set-as-default >/dev/null
expect_eq "$(iot get-policy --policy-name Policy_one | json_get - 'j["defaultVersionId"]')" 2 \
  "default version after create-policy-version --set-as-default"
expect_aws_error DeleteConflictException iot delete-policy --policy-name Policy_one

# Thing and principal.
iot create-thing --thing-name sensor-1 --attribute-payload '{"attributes":{"floor":"3"}}' >thing.json
expect_eq "$(json_get thing.json 'j["thingArn"]')" \
  "arn:aws:iot:us-east-1:123456789012:thing/sensor-1" "thing ARN"
iot create-thing --thing-name sensor-1 --attribute-payload '{"attributes":{"floor":"3"}}' >/dev/null
expect_aws_error ResourceAlreadyExistsException iot create-thing --thing-name sensor-1 \
  --attribute-payload '{"attributes":{"floor":"4"}}'
iot attach-thing-principal --thing-name sensor-1 --principal "$cert_arn"
expect_eq "$(iot list-thing-principals --thing-name sensor-1 | json_get - 'j["principals"]')" \
  "[\"$cert_arn\"]" "list-thing-principals"
expect_eq "$(iot list-principal-things --principal "$cert_arn" | json_get - 'j["things"]')" \
  '["sensor-1"]' "list-principal-things"
iot update-thing --thing-name sensor-1 --attribute-payload '{"attributes":{"room":"12"},"merge":true}'
iot describe-thing --thing-name sensor-1 >thing.json
expect_eq "$(json_get thing.json 'j["attributes"]')" '{"floor": "3", "room": "12"}' "merged attributes"
expect_eq "$(json_get thing.json 'j["version"]')" 2 "thing version after update"

# Thing groups.
iot create-thing-group --thing-group-name building >/dev/null
iot create-thing-group --thing-group-name floor-3 --parent-group-name building >/dev/null
iot add-thing-to-thing-group --thing-group-name floor-3 --thing-name sensor-1
expect_eq "$(iot list-things-in-thing-group --thing-group-name building --recursive |
  json_get - 'j["things"]')" '["sensor-1"]' "recursive list-things-in-thing-group"

# Deletes refused while in use, then allowed once detached.
expect_aws_error CertificateStateException iot delete-certificate --certificate-id "$cert_id"
iot update-certificate --certificate-id "$cert_id" --new-status INACTIVE
expect_aws_error DeleteConflictException iot delete-certificate --certificate-id "$cert_id"
expect_aws_error InvalidRequestException iot delete-thing --thing-name sensor-1
iot detach-thing-principal --thing-name sensor-1 --principal "$cert_arn"
expect_aws_error DeleteConflictException iot delete-certificate --certificate-id "$cert_id"
iot delete-certificate --certificate-id "$cert_id" --force-delete
expect_aws_error ResourceNotFoundException iot describe-certificate --certificate-id "$cert_id"
expect_eq "$(iot list-targets-for-policy --policy-name Policy_one | json_get - 'j["targets"]')" \
  "[]" "force delete detaches policies"
iot delete-thing --thing-name sensor-1
expect_aws_error ResourceNotFoundException iot describe-thing --thing-name sensor-1
pass
