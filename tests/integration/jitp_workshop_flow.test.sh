#!/usr/bin/env bash
# The JITP workshop flow with the real aws CLI, boto3, openssl and mosquitto clients: the
# workshop's template attached with its own `aws iot update-ca-certificate --registration-config`
# command, a device certificate with /C=DE/CN=my-jitp-device, the first mosquitto_pub dropped,
# `aws iot describe-thing` showing Country=DE, the thing in bulk-group with the certificate and
# policy attached, the second publish delivered. A certificate without C= stays
# PENDING_ACTIVATION with nothing left behind, and bad templates are refused without changing the
# CA.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

# The workshop's own commands run unchanged against the emulator.
aws() { command aws --endpoint-url "$API" --output json "$@"; }

# Prerequisites from the workshop's earlier chapters: its CA (registered with auto-registration),
# a device policy, bulk-group and the provisioning role.
register_jitr_ca acm-pca-root-ca "/O=Workshop/CN=JITP Workshop CA"
CA_CERTIFICATE_ID=$CA_ID
IOT_POLICY=jitp-device-policy
iot create-policy --policy-name "$IOT_POLICY" --policy-document "file://$FIXTURES/jitp/device_policy.json" >/dev/null
iot create-thing-group --thing-group-name bulk-group >/dev/null
ARN_IOT_PROVISIONING_ROLE=arn:aws:iam::123456789012:role/JITPRole

# "Enable JITP for your own CA", verbatim.
source "$FIXTURES/jitp/workshop_template.sh"
aws iot update-ca-certificate --certificate-id $CA_CERTIFICATE_ID \
	  --no-remove-auto-registration \
	  --new-auto-registration-status ENABLE \
	  --registration-config "{\"templateBody\": \"$TB\",\"roleArn\": \"$ARN_IOT_PROVISIONING_ROLE\"}"
aws iot describe-ca-certificate --certificate-id $CA_CERTIFICATE_ID >ca.json
expect_eq "$(json_get ca.json 'j["certificateDescription"]["autoRegistrationStatus"]')" ENABLE \
  "autoRegistrationStatus"
expect_eq "$(json_get ca.json 'json.loads(j["registrationConfig"]["templateBody"])["Resources"]["policy"]["Properties"]["PolicyName"]')" \
  "$IOT_POLICY" "the template describe-ca-certificate shows"

make_watcher watcher
start_sub events watcher.crt watcher.key watcher-events '$aws/events/certificates/registered/#' -q 1
start_sub jitp watcher.crt watcher.key watcher-jitp ji/tp -q 1

# The device: a key and CSR as the workshop makes them, signed by the CA (the workshop's ACM PCA).
deviceCert=my-jitp-device
openssl req -nodes -new -newkey rsa:2048 -keyout $deviceCert.key -out $deviceCert.csr \
  -subj "/C=DE/CN=my-jitp-device" 2>/dev/null
openssl x509 -req -in $deviceCert.csr -CA acm-pca-root-ca.pem -CAkey acm-pca-root-ca.key \
  -CAcreateserial -out ${deviceCert}.crt -days 365 -sha256 2>/dev/null
cat ${deviceCert}.crt acm-pca-root-ca.pem >${deviceCert}AndCACert.crt
cert_id=$(certificate_id ${deviceCert}.crt)

# "Auto register your device by publishing a message": the connection is lost.
expect_dropped ${deviceCert}AndCACert.crt $deviceCert.key -q 1 -t ji/tp -i $deviceCert \
  --tls-version tlsv1.2 -d
wait_for_line events.out "\"certificateId\":\"$cert_id\"" || fail "no registration event"

# "Verify if the device was created".
aws iot describe-thing --thing-name my-jitp-device >thing.json
expect_eq "$(json_get thing.json 'j["attributes"]')" '{"Country": "DE"}' "the thing's attributes"

# "Publish again": with the device certificate alone, under the template's policy.
mqtt_pub ${deviceCert}.crt $deviceCert.key -q 1 -t ji/tp -i $deviceCert --tls-version tlsv1.2 \
  -m '{"let-me": "in"}' || fail "the second publish failed"
wait_for_line jitp.out 'MSG ji/tp {"let-me": "in"}' || fail "the subscriber did not receive the message"

# A device certificate without C= cannot satisfy the template: dropped, twice.
make_signed no-country "/CN=no-country-device" acm-pca-root-ca
no_country_id=$(certificate_id no-country.crt)
for attempt in 1 2; do
  expect_dropped no-country.crt no-country.key -q 1 -t ji/tp -i no-country-device
done
wait_for_line emulator.log "Parameter 'AWS::IoT::Certificate::Country' has no value" ||
  fail "the log does not say why JITP failed"

python3 - "$API" "$CA_ID" "$cert_id" "$no_country_id" "$IOT_POLICY" <<'PY' || fail "boto3 checks failed"
import json, sys
import boto3
api, ca_id, cert_id, no_country_id, policy = sys.argv[1:]
iot = boto3.client("iot", endpoint_url=api, region_name="us-east-1")
arn = lambda certificate_id: f"arn:aws:iot:us-east-1:123456789012:cert/{certificate_id}"

# The provisioned device: its group, its certificate attached and ACTIVE, the policy attached.
assert iot.list_things_in_thing_group(thingGroupName="bulk-group")["things"] == ["my-jitp-device"]
assert iot.list_thing_principals(thingName="my-jitp-device")["principals"] == [arn(cert_id)]
assert [p["policyName"] for p in iot.list_attached_policies(target=arn(cert_id))["policies"]] == [policy]
assert iot.describe_certificate(certificateId=cert_id)["certificateDescription"]["status"] == "ACTIVE"

# The device without Country: PENDING_ACTIVATION, and nothing else.
assert iot.describe_certificate(certificateId=no_country_id)[
    "certificateDescription"]["status"] == "PENDING_ACTIVATION"
assert [t["thingName"] for t in iot.list_things()["things"]] == ["my-jitp-device"]
assert iot.list_attached_policies(target=arn(no_country_id))["policies"] == []
assert iot.list_principal_things(principal=arn(no_country_id))["things"] == []

# Bad templates are refused with the problem named; the CA keeps its configuration.
before = iot.describe_ca_certificate(certificateId=ca_id)
role = before["registrationConfig"]["roleArn"]
missing_mapping = json.dumps({"Resources": {"thing": {"Type": "AWS::IoT::Thing", "Properties": {
    "ThingName": {"Fn::FindInMap": ["Sites", "a", "b"]}}}}})
for config, code, words in [
        ({"templateBody": "this is not JSON", "roleArn": role}, "InvalidRequestException",
         "not valid JSON"),
        ({"templateBody": missing_mapping, "roleArn": role}, "InvalidRequestException",
         "mapping 'Sites', which the Mappings section does not declare"),
        ({"templateName": "no-such-template"}, "ResourceNotFoundException", "no-such-template")]:
    try:
        iot.update_ca_certificate(certificateId=ca_id, registrationConfig=config)
        raise AssertionError(f"accepted: {config}")
    except iot.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == code, error.response
        assert words in error.response["Error"]["Message"], error.response
after = iot.describe_ca_certificate(certificateId=ca_id)
assert after["registrationConfig"] == before["registrationConfig"]
assert after["certificateDescription"]["customerVersion"] == 2, after

# removeAutoRegistration turns the CA back into a JITR CA (the workshop's JITR chapter).
iot.update_ca_certificate(certificateId=ca_id, removeAutoRegistration=True,
                          newAutoRegistrationStatus="DISABLE")
assert iot.describe_ca_certificate(certificateId=ca_id)["registrationConfig"] == {}
PY
pass
