#!/usr/bin/env bash
# JITP through a named provisioning template with the real aws CLI, boto3 and mosquitto clients:
# the template API (create, versions, default, update, delete) as the CLI and boto3 speak it; a
# CA registered with --registration-config templateName=…; a device whose subject carries O and
# serialNumber provisioned with Fn::Join, Fn::FindInMap, Fn::Select/Fn::Split, parameter
# Defaults and an inline Fn::Sub policy that keeps its ${iot:…} variable; its second connection
# publishes under that policy.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
ROLE=arn:aws:iam::123456789012:role/JITPRole

# ---- the template API -----------------------------------------------------------------------
# The CLI's path: a JITP template, a second version made the default, the first deleted.
iot create-provisioning-template --template-name sensor-jitp --type JITP \
  --template-body "file://$FIXTURES/jitp/sensor_template.json" --provisioning-role-arn "$ROLE" >created.json
expect_eq "$(json_get created.json 'j')" \
  '{"templateArn": "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/sensor-jitp", "templateName": "sensor-jitp", "defaultVersionId": 1}' \
  "create-provisioning-template's answer"
iot create-provisioning-template-version --template-name sensor-jitp \
  --template-body "file://$FIXTURES/jitp/sensor_template.json" >/dev/null
iot update-provisioning-template --template-name sensor-jitp --default-version-id 2 --enabled
iot delete-provisioning-template-version --template-name sensor-jitp --version-id 1

# boto3: what the CLI did, paginators, the version limit and the errors; the sensor's type and
# group.
python3 - "$API" "$FIXTURES/jitp/sensor_template.json" "$ROLE" <<'PY' || fail "boto3 checks of the template API failed"
import sys
import boto3
iot = boto3.client("iot", endpoint_url=sys.argv[1], region_name="us-east-1")
body, role = open(sys.argv[2]).read(), sys.argv[3]
iot.create_thing_type(thingTypeName="sensor")  # what the template's thing needs
iot.create_thing_group(thingGroupName="sensors")

def refused(code, call, **args):
    try:
        call(**args)
    except iot.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == code, error.response
        return error.response["Error"]["Message"]
    raise AssertionError(f"{call.__name__}({args}) succeeded")

described = iot.describe_provisioning_template(templateName="sensor-jitp")
assert (described["type"], described["enabled"], described["defaultVersionId"],
        described["provisioningRoleArn"], described["templateBody"]) == ("JITP", True, 2, role, body)
versions = iot.list_provisioning_template_versions(templateName="sensor-jitp")["versions"]
assert [(v["versionId"], v["isDefaultVersion"]) for v in versions] == [(2, True)], versions
refused("ResourceNotFoundException", iot.describe_provisioning_template_version,
        templateName="sensor-jitp", versionId=1)
refused("DeleteConflictException", iot.delete_provisioning_template_version,
        templateName="sensor-jitp", versionId=2)
assert "Unknown intrinsic function 'Fn::If'" in refused(
    "InvalidRequestException", iot.create_provisioning_template_version, templateName="sensor-jitp",
    templateBody='{"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Fn::If":[]}}}}}')
assert "not valid JSON" in refused(
    "InvalidRequestException", iot.create_provisioning_template, templateName="broken",
    templateBody="{ nope", provisioningRoleArn=role)

for i in range(4):
    iot.create_provisioning_template(templateName=f"fleet-{i}", templateBody=body, enabled=True,
                                     provisioningRoleArn=role)
pages = list(iot.get_paginator("list_provisioning_templates").paginate(
    PaginationConfig={"PageSize": 2}))
assert [len(p["templates"]) for p in pages] == [2, 2, 1], pages
listed = {t["templateName"]: (t["type"], t["enabled"]) for p in pages for t in p["templates"]}
assert listed["fleet-0"] == ("FLEET_PROVISIONING", True) and listed["sensor-jitp"] == ("JITP", True)
for _ in range(4):
    iot.create_provisioning_template_version(templateName="fleet-0", templateBody=body)
refused("VersionsLimitExceededException", iot.create_provisioning_template_version,
        templateName="fleet-0", templateBody=body)
assert [v["versionId"] for v in iot.list_provisioning_template_versions(
    templateName="fleet-0")["versions"]] == [1, 2, 3, 4, 5]
assert iot.describe_provisioning_template_version(
    templateName="fleet-0", versionId=3)["templateBody"] == body
PY

# ---- a CA that names the template -------------------------------------------------------------
make_ca sensor-ca "/O=Acme/CN=Sensor CA"
CA_ID=$(register_ca_with_verification sensor-ca --set-as-active --allow-auto-registration \
  --registration-config templateName=sensor-jitp)
make_watcher watcher
start_sub data watcher.crt watcher.key watcher-data 'sensors/#' -q 1

make_signed sensor "/O=Acme/serialNumber=0042-7/CN=temperature sensor" sensor-ca
cert_id=$(certificate_id sensor.crt)
expect_dropped sensor.crt sensor.key -q 1 -t sensors/0042-7/data -i sensor-0042-7
iot describe-thing --thing-name sensor-0042-7 >thing.json
expect_eq "$(json_get thing.json '[j["thingTypeName"], j["attributes"]]')" \
  '["sensor", {"batch": "0042", "organization": "Acme", "region": "eu-central"}]' "the provisioned thing"

python3 - "$API" "$CA_ID" "$cert_id" <<'PY' || fail "boto3 checks of the provisioned sensor failed"
import re, sys
import boto3
api, ca_id, cert_id = sys.argv[1:]
iot = boto3.client("iot", endpoint_url=api, region_name="us-east-1")
assert iot.describe_ca_certificate(certificateId=ca_id)["registrationConfig"] == {
    "templateName": "sensor-jitp"}
assert [c["certificateId"] for c in iot.list_ca_certificates(templateName="sensor-jitp")[
    "certificates"]] == [ca_id]
try:
    iot.delete_provisioning_template(templateName="sensor-jitp")
    raise AssertionError("a template the CA uses was deleted")
except iot.exceptions.DeleteConflictException:
    pass
try:
    iot.update_ca_certificate(certificateId=ca_id, registrationConfig={"templateName": "fleet-1"})
    raise AssertionError("a CA took a FLEET_PROVISIONING template")
except iot.exceptions.InvalidRequestException as error:
    assert "FLEET_PROVISIONING" in error.response["Error"]["Message"]

assert iot.list_things_in_thing_group(thingGroupName="sensors")["things"] == ["sensor-0042-7"]
arn = f"arn:aws:iot:us-east-1:123456789012:cert/{cert_id}"
assert iot.list_thing_principals(thingName="sensor-0042-7")["principals"] == [arn]
policies = iot.list_attached_policies(target=arn)["policies"]
assert len(policies) == 1 and re.fullmatch("[0-9a-f]{64}", policies[0]["policyName"]), policies
document = iot.get_policy(policyName=policies[0]["policyName"])["policyDocument"]
assert "client/${iot:Connection.Thing.ThingName}" in document, document  # kept by Fn::Sub
assert "topic/sensors/0042-7/*" in document, document                     # substituted
PY

mqtt_pub sensor.crt sensor.key -q 1 -t sensors/0042-7/data -i sensor-0042-7 -m '21.5' ||
  fail "the provisioned sensor could not publish"
wait_for_line data.out 'MSG sensors/0042-7/data 21.5' || fail "the subscriber did not receive the reading"
expect_dropped sensor.crt sensor.key -q 1 -t sensors/0042-7/data -i another-client-id
pass
