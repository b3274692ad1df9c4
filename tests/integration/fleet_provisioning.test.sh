#!/usr/bin/env bash
# Fleet provisioning by claim (docs/aws/provisioning-and-services.md §1) with real clients. The
# claim certificate and its policy, the templates and the pre-provisioning hook (Python) are made
# with the aws CLI as AWS's guide does. AWS's device SDK v2 for JavaScript (`iotidentity`)
# provisions devices end to end: CreateKeysAndCertificate + RegisterThing over MQTT 5
# (IotIdentityClientv2), CreateCertificateFromCsr + RegisterThing over MQTT 3.1.1 (the classic
# IotIdentityClient), each new certificate then connecting and publishing under the template's
# policy; a hook that says no, a wrong token, a disabled and an unknown template are rejected with
# AWS's error payload. Debian's paho-mqtt drives the raw topics: bad JSON, CBOR both ways, a
# spent token, replies reaching only the connection that asked, and a claim certificate whose
# policy does not allow the topics. Provisioning by trusted user: `create-provisioning-claim`'s
# temporary certificate provisions a device through the SDK too; and the control plane's
# `register-thing` applies the same template.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
NODE_CLIENTS=$HERE/node
[[ -d $NODE_CLIENTS/node_modules ]] || fail "no $NODE_CLIENTS/node_modules: run scripts/setup --test"
PAHO_PYTHON=python3
python3 -c 'import paho.mqtt, cbor2' 2>/dev/null || PAHO_PYTHON=/usr/bin/python3
start_emulator
cd "$WORK"

# ---- the claim: an ACTIVE certificate whose policy allows only the provisioning topics --------
iot create-keys-and-certificate --set-as-active >claim.json
json_get claim.json 'j["certificatePem"]' >claim.crt
json_get claim.json 'j["keyPair"]["PrivateKey"]' >claim.key
CLAIM_ARN=$(json_get claim.json 'j["certificateArn"]')
iot create-policy --policy-name claim --policy-document "file://$FIXTURES/fleet/claim-policy.json" >/dev/null
iot attach-policy --policy-name claim --target "$CLAIM_ARN"

# ---- templates: enabled, disabled, and one with a pre-provisioning hook ---------------------
ROLE=arn:aws:iam::123456789012:role/FleetProvisioningRole
template() { iot create-provisioning-template --template-name "$1" --provisioning-role-arn "$ROLE" \
  --template-body "file://$FIXTURES/fleet/template.json" "${@:2}" >/dev/null; }
template FleetTemplate --enabled
template DisabledTemplate
hook_arn=$(deploy_function fleet-hook python3.12 lambda_function.lambda_handler fleet_hook_python)
lambda_cli add-permission --function-name fleet-hook --statement-id iot --action lambda:InvokeFunction \
  --principal iot.amazonaws.com >/dev/null
template HookedTemplate --enabled --pre-provisioning-hook "targetArn=$hook_arn,payloadVersion=2020-04-01"

# ---- provisioning by trusted user: a five-minute claim from the control plane, unlisted -------
iot create-provisioning-claim --template-name FleetTemplate >trusted.json
json_get trusted.json 'j["certificatePem"]' >trusted.crt
json_get trusted.json 'j["keyPair"]["PrivateKey"]' >trusted.key
python3 - trusted.json <<'EOF_PY' || fail "CreateProvisioningClaim's answer: $(cat trusted.json)"
import json, sys, time
claim = json.load(open(sys.argv[1]))
left = claim["expiration"] - time.time()
assert 240 < left <= 300, left
assert claim["keyPair"]["PublicKey"].startswith("-----BEGIN PUBLIC KEY-----")
EOF_PY
expect_eq "$(iot list-certificates | json_get - '[c["certificateId"] for c in j["certificates"] if c["certificateId"] == "'"$(json_get trusted.json 'j["certificateId"]')"'"]')" \
  "[]" "the temporary claim certificate in list-certificates"
expect_aws_error ResourceNotFoundException iot create-provisioning-claim --template-name NoSuchTemplate

# ---- AWS's device SDK: provisioning by claim end to end ----------------------------------------
openssl genrsa -out csr-device.key 2048 2>/dev/null
openssl req -new -key csr-device.key -subj "/CN=csr-device" -out csr-device.csr 2>/dev/null
python3 - "$MQTT_PORT" "$SERVER_CA" "$WORK" >sdk.json <<'EOF_PY'
import json, sys
port, ca, work = sys.argv[1:]
def rejected(template, code, status, token=None, serial="1"):
    step = {"kind": "rejected", "template": template, "parameters": {"SerialNumber": serial},
            "expectCode": code, "expectStatus": status}
    if token: step["token"] = token
    return step
print(json.dumps({"host": "localhost", "port": int(port), "ca": ca,
  "claimCert": f"{work}/claim.crt", "claimKey": f"{work}/claim.key", "steps": [
    {"kind": "keys-v2-mqtt5", "template": "FleetTemplate", "parameters": {"SerialNumber": "1001"},
     "out": f"{work}/device-1001", "expectThing": "Fleet_1001"},
    {"kind": "csr-v1-mqtt311", "template": "FleetTemplate", "parameters": {"SerialNumber": "1002"},
     "csr": f"{work}/csr-device.csr", "key": f"{work}/csr-device.key",
     "out": f"{work}/device-1002", "expectThing": "Fleet_1002"},
    {"kind": "keys-v2-mqtt5", "template": "HookedTemplate", "parameters": {"SerialNumber": "7"},
     "out": f"{work}/device-7", "expectThing": "Fleet_hooked-7"},
    {"kind": "keys-v2-mqtt5", "template": "FleetTemplate", "parameters": {"SerialNumber": "3001"},
     "claimCert": f"{work}/trusted.crt", "claimKey": f"{work}/trusted.key",
     "out": f"{work}/device-3001", "expectThing": "Fleet_3001"},
    rejected("HookedTemplate", "AccessDenied", 403, serial="bad-8"),
    rejected("FleetTemplate", "InvalidCertificateOwnershipToken", 400, token="bm90LWEtdG9rZW4="),
    rejected("DisabledTemplate", "InvalidRequest", 400),
    rejected("NoSuchTemplate", "ResourceNotFound", 404),
]}))
EOF_PY
node "$NODE_CLIENTS/fleet_provisioning.js" sdk.json >sdk.out 2>&1 ||
  fail "the device SDK's fleet provisioning failed: $(cat sdk.out)"
grep -q 'PASS keys-v2-mqtt5 FleetTemplate: Fleet_1001 {"FallbackUrl":"https://www.example.com/test-site","LocationUrl":"https://example.aws"}' sdk.out ||
  fail "RegisterThing's reply lacks the device configuration: $(cat sdk.out)"

# What the template did, as the control plane sees it (boto3: one process for every question).
python3 - "$API" "$(certificate_id device-1002.crt)" <<'EOF_PY' || fail "the provisioned resources are wrong"
import sys, boto3
api, csr_certificate_id = sys.argv[1:]
iot = boto3.client("iot", endpoint_url=api)
for thing in ("Fleet_1001", "Fleet_1002", "Fleet_hooked-7", "Fleet_3001"):
    [principal] = iot.list_thing_principals(thingName=thing)["principals"]
    certificate_id = principal.split("/")[-1]
    status = iot.describe_certificate(certificateId=certificate_id)["certificateDescription"]["status"]
    assert status == "ACTIVE", (thing, status)
    assert len(iot.list_attached_policies(target=principal)["policies"]) == 1, thing
    if thing == "Fleet_1002":
        assert certificate_id == csr_certificate_id, "the CSR device's certificate"
assert iot.describe_thing(thingName="Fleet_1001")["attributes"]["serialNumber"] == "1001"
# The denied device: no thing, whatever its name would have been.
names = {t["thingName"] for t in iot.list_things()["things"]}
assert names == {"Fleet_1001", "Fleet_1002", "Fleet_hooked-7", "Fleet_3001"}, names
EOF_PY

# ---- raw topics with paho: bad input, CBOR, spent tokens, private replies -----------------------
raw() {  # raw CERT KEY CLIENT_ID REQUESTS_JSON: one line per request on stdout
  printf '%s' "$4" >requests.json
  "$PAHO_PYTHON" "$HERE/fleet_raw.py" localhost "$MQTT_PORT" "$SERVER_CA" "$1" "$2" "$3" requests.json
}
# A neighbour on the same claim certificate subscribed to every reply topic sees none of them.
start_sub neighbour claim.crt claim.key neighbour '$aws/certificates/create/json/#'
raw claim.crt claim.key raw-device '[
  {"topic": "$aws/certificates/create/json", "raw": "{not json"},
  {"topic": "$aws/certificates/create-from-csr/json", "body": {"certificateSigningRequest": "garbage"}},
  {"topic": "$aws/provisioning-templates/FleetTemplate/provision/json", "body": {"parameters": {"SerialNumber": "2001"}}},
  {"topic": "$aws/certificates/create/json", "raw": ""},
  {"topic": "$aws/provisioning-templates/FleetTemplate/provision/json", "body": {"certificateOwnershipToken": "$token", "parameters": {"SerialNumber": "2001"}}},
  {"topic": "$aws/provisioning-templates/FleetTemplate/provision/json", "body": {"certificateOwnershipToken": "$token", "parameters": {"SerialNumber": "2001"}}},
  {"topic": "$aws/certificates/create/cbor", "body": {}},
  {"topic": "$aws/provisioning-templates/FleetTemplate/provision/cbor", "body": {"certificateOwnershipToken": "$token", "parameters": {"SerialNumber": "2002"}}},
  {"topic": "$aws/provisioning-templates/FleetTemplate/provision/cbor", "raw": "not cbor"}
]' >raw.out || fail "paho's raw requests failed: $(cat raw.out)"
python3 - raw.out <<'EOF_PY' || fail "raw topics: $(cat raw.out)"
import json, sys
replies = [json.loads(line) for line in open(sys.argv[1])]
def rejected(i, status, code, fragment):
    r = replies[i]
    assert r["reply"] == "rejected", (i, r)
    assert r["body"]["statusCode"] == status and r["body"]["errorCode"] == code, (i, r)
    assert fragment in r["body"]["errorMessage"], (i, r)
def accepted(i):
    assert replies[i]["reply"] == "accepted", (i, replies[i])
    return replies[i]["body"]
assert len(replies) == 9, replies
rejected(0, 400, "InvalidPayload", "not a JSON object")
rejected(1, 400, "InvalidPayload", "certificate signing request")
rejected(2, 400, "InvalidCertificateOwnershipToken", "Certificate ownership token cannot be empty.")
keys = accepted(3)
assert set(keys) == {"certificateId", "certificatePem", "privateKey", "certificateOwnershipToken"}, keys
assert accepted(4) == {"thingName": "Fleet_2001", "deviceConfiguration": {
    "FallbackUrl": "https://www.example.com/test-site", "LocationUrl": "https://example.aws"}}
rejected(5, 400, "InvalidCertificateOwnershipToken", "already been used")
assert replies[6]["cbor"] and "certificateOwnershipToken" in accepted(6)
assert accepted(7)["thingName"] == "Fleet_2002"
rejected(8, 400, "InvalidPayload", "not a CBOR object")
assert isinstance(replies[8]["body"]["statusCode"], int)
EOF_PY
if grep -q '^MSG' "$WORK/neighbour.out"; then fail "a neighbour got another client's replies: $(cat "$WORK/neighbour.out")"; fi

# A claim certificate whose policy allows connecting but not the provisioning topics: its request
# is refused like any unauthorised publish (MQTT 3.1.1: the connection is dropped), no reply.
iot create-keys-and-certificate --set-as-active >unprivileged.json
json_get unprivileged.json 'j["certificatePem"]' >unprivileged.crt
json_get unprivileged.json 'j["keyPair"]["PrivateKey"]' >unprivileged.key
iot create-policy --policy-name connect-only --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Subscribe"],"Resource":"*"}]}' >/dev/null
iot attach-policy --policy-name connect-only --target "$(json_get unprivileged.json 'j["certificateArn"]')"
raw unprivileged.crt unprivileged.key unprivileged '[{"topic": "$aws/certificates/create/json", "body": {}}]' \
  >unprivileged.out || fail "paho (unprivileged): $(cat unprivileged.out)"
expect_eq "$(cat unprivileged.out)" '{"reply": "closed"}' "an unauthorised CreateKeysAndCertificate"

# ---- RegisterThing on the control plane, with the same template and engine -----------------
iot create-keys-and-certificate >registered.json
registered_id=$(json_get registered.json 'j["certificateId"]')
iot register-thing --template-body "file://$FIXTURES/fleet/template.json" \
  --parameters "{\"SerialNumber\": \"4001\", \"AWS::IoT::Certificate::Id\": \"$registered_id\"}" >register-thing.json
python3 - register-thing.json registered.json <<'EOF_PY' || fail "register-thing: $(cat register-thing.json)"
import json, sys
answer, created = (json.load(open(path)) for path in sys.argv[1:])
arns = answer["resourceArns"]
assert set(arns) == {"thing", "certificate", "policy"}, arns
assert arns["thing"].endswith(":thing/Fleet_4001") and arns["certificate"] == created["certificateArn"], arns
assert answer["certificatePem"] == created["certificatePem"]
EOF_PY
expect_eq "$(iot describe-certificate --certificate-id "$registered_id" | json_get - 'j["certificateDescription"]["status"]')" \
  ACTIVE "the status register-thing set (OverrideSettings REPLACE on an INACTIVE certificate)"
expect_aws_error ResourceRegistrationFailureException iot register-thing \
  --template-body "file://$FIXTURES/fleet/template.json" --parameters '{"SerialNumber": "4002"}'
expect_aws_error InvalidRequestException iot register-thing --template-body '{"Resources": 7}'

# The emulator kept running through all of it.
iot list-things >/dev/null || fail "the emulator stopped answering"
pass
