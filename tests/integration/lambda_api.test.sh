#!/usr/bin/env bash
# The Lambda control plane with the real `aws lambda` CLI: create-function from a zip made with
# `zip`, get/list, invoke (payload, log tail, errors, Event, DryRun), code and configuration
# updates, resource-policy permissions, delete, AWS's error codes; handlers that call the
# emulator's IoT API through boto3 (AWS_ENDPOINT_URL), aws-sdk v2 and @aws-sdk/client-iot v3;
# and a function declared from a local folder with --function.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/declared"
cat >"$WORK/declared/app.py" <<'EOF'
def main(event, context):
    return {"declared": True, "echo": event}
EOF
start_emulator --function "declared=python3.12:app.main:$WORK/declared"

lam() { aws --endpoint-url "$API" --output json lambda "$@"; }
ROLE=arn:aws:iam::123456789012:role/lambda-role

# make_zip NAME FILE…: $WORK/NAME.zip from files already written under $WORK/NAME/.
make_zip() {
  local name=$1
  rm -f "$WORK/$name.zip"
  (cd "$WORK/$name" && zip -q -r "$WORK/$name.zip" .)
}

# invoke NAME PAYLOAD [FLAGS…]: writes the handler's answer to $WORK/out.json and the CLI's
# response to $WORK/invoke.json.
invoke() {
  local name=$1 payload=$2; shift 2
  printf '%s' "$payload" >"$WORK/payload.json"
  lam invoke --function-name "$name" --payload "fileb://$WORK/payload.json" "$@" \
    "$WORK/out.json" >"$WORK/invoke.json"
}

# ---- a Python function, deployed as users do --------------------------------------------------
mkdir -p "$WORK/echo"
cat >"$WORK/echo/lambda_function.py" <<'EOF'
import os

def lambda_handler(event, context):
    print("handling", event)
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return {"event": event, "stage": os.environ.get("STAGE"), "version": 1,
            "function": context.function_name, "region": os.environ["AWS_REGION"]}
EOF
make_zip echo
lam create-function --function-name echo --runtime python3.12 --handler lambda_function.lambda_handler \
  --role "$ROLE" --zip-file "fileb://$WORK/echo.zip" --timeout 5 \
  --environment 'Variables={STAGE=test}' >"$WORK/created.json"
expect_eq "$(json_get "$WORK/created.json" 'j["FunctionArn"]')" \
  "arn:aws:lambda:us-east-1:123456789012:function:echo" "FunctionArn"
expect_eq "$(json_get "$WORK/created.json" 'j["Timeout"]')" 5 "Timeout"
expect_eq "$(json_get "$WORK/created.json" 'j["MemorySize"]')" 128 "MemorySize"
expect_eq "$(json_get "$WORK/created.json" 'j["Environment"]["Variables"]["STAGE"]')" test "STAGE"
expect_eq "$(json_get "$WORK/created.json" 'j["CodeSha256"]')" \
  "$(openssl dgst -sha256 -binary "$WORK/echo.zip" | base64)" "CodeSha256"
expect_eq "$(json_get "$WORK/created.json" 'j["CodeSize"]')" "$(stat -c %s "$WORK/echo.zip")" "CodeSize"

lam get-function --function-name echo >"$WORK/got.json"
expect_eq "$(json_get "$WORK/got.json" 'j["Configuration"]["State"]')" Active "State"
expect_eq "$(json_get "$WORK/got.json" 'j["Configuration"]["Runtime"]')" python3.12 "Runtime"
lam get-function --function-name "arn:aws:lambda:us-east-1:123456789012:function:echo" >/dev/null
lam list-functions >"$WORK/list.json"
expect_eq "$(json_get "$WORK/list.json" 'sorted(f["FunctionName"] for f in j["Functions"])')" \
  '["declared", "echo"]' "list-functions"

invoke echo '{"n": 1}' --log-type Tail
expect_eq "$(json_get "$WORK/invoke.json" 'j["StatusCode"]')" 200 "invoke status"
expect_eq "$(json_get "$WORK/out.json" 'j["event"]["n"]')" 1 "event"
expect_eq "$(json_get "$WORK/out.json" 'j["stage"]')" test "environment"
expect_eq "$(json_get "$WORK/out.json" 'j["function"]')" echo "context.function_name"
json_get "$WORK/invoke.json" 'j["LogResult"]' | base64 -d | grep -q "handling {'n': 1}" ||
  fail "the log tail lacks the handler's output"

invoke echo '{"fail": true}'
expect_eq "$(json_get "$WORK/invoke.json" 'j["FunctionError"]')" Unhandled "FunctionError"
expect_eq "$(json_get "$WORK/out.json" 'j["errorType"]')" RuntimeError "errorType"
expect_eq "$(json_get "$WORK/out.json" 'j["errorMessage"]')" "asked to fail" "errorMessage"

invoke echo '{}' --invocation-type Event
expect_eq "$(json_get "$WORK/invoke.json" 'j["StatusCode"]')" 202 "Event invocation"
invoke echo '{}' --invocation-type DryRun
expect_eq "$(json_get "$WORK/invoke.json" 'j["StatusCode"]')" 204 "DryRun invocation"

# ---- updates ------------------------------------------------------------------------------------
sed -i 's/"version": 1/"version": 2/' "$WORK/echo/lambda_function.py"
make_zip echo
lam update-function-code --function-name echo --zip-file "fileb://$WORK/echo.zip" >"$WORK/updated.json"
expect_eq "$(json_get "$WORK/updated.json" 'j["CodeSha256"]')" \
  "$(openssl dgst -sha256 -binary "$WORK/echo.zip" | base64)" "new CodeSha256"
invoke echo '{}'
expect_eq "$(json_get "$WORK/out.json" 'j["version"]')" 2 "the new code runs"

lam update-function-configuration --function-name echo --timeout 10 \
  --environment 'Variables={STAGE=prod}' >"$WORK/configured.json"
expect_eq "$(json_get "$WORK/configured.json" 'j["Timeout"]')" 10 "updated Timeout"
invoke echo '{}'
expect_eq "$(json_get "$WORK/out.json" 'j["stage"]')" prod "the new environment applies"

# ---- resource policy ----------------------------------------------------------------------------
RULE_ARN=arn:aws:iot:us-east-1:123456789012:rule/JITRRule
lam add-permission --function-name echo --principal iot.amazonaws.com --source-arn "$RULE_ARN" \
  --source-account 123456789012 --statement-id Id-123 --action lambda:InvokeFunction >"$WORK/perm.json"
expect_eq "$(json_get "$WORK/perm.json" 'json.loads(j["Statement"])["Principal"]["Service"]')" \
  iot.amazonaws.com "statement principal"
lam get-policy --function-name echo >"$WORK/policy.json"
expect_eq "$(json_get "$WORK/policy.json" 'json.loads(j["Policy"])["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"]')" \
  "$RULE_ARN" "policy condition"
expect_aws_error ResourceConflictException lambda add-permission --function-name echo \
  --principal iot.amazonaws.com --statement-id Id-123 --action lambda:InvokeFunction
lam remove-permission --function-name echo --statement-id Id-123
expect_aws_error ResourceNotFoundException lambda get-policy --function-name echo
expect_aws_error ResourceNotFoundException lambda remove-permission --function-name echo --statement-id Id-123

# ---- errors -------------------------------------------------------------------------------------
expect_aws_error ResourceConflictException lambda create-function --function-name echo \
  --runtime python3.12 --handler lambda_function.lambda_handler --role "$ROLE" --zip-file "fileb://$WORK/echo.zip"
expect_aws_error InvalidParameterValueException lambda create-function --function-name j \
  --runtime java17 --handler a.b --role "$ROLE" --zip-file "fileb://$WORK/echo.zip"
expect_aws_error InvalidParameterValueException lambda create-function --function-name t \
  --runtime python3.12 --handler a.b --role "$ROLE" --zip-file "fileb://$WORK/echo.zip" --timeout 901
expect_aws_error ResourceNotFoundException lambda get-function --function-name nope
expect_aws_error ResourceNotFoundException lambda invoke --function-name nope "$WORK/nope.json"
python3 - "$WORK/evil.zip" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("lambda_function.py", "def lambda_handler(e, c): return 1\n")
    z.writestr("../../evil.py", "print('escaped')\n")
EOF
expect_aws_error InvalidParameterValueException lambda create-function --function-name evil \
  --runtime python3.12 --handler lambda_function.lambda_handler --role "$ROLE" --zip-file "fileb://$WORK/evil.zip"
[[ ! -e $DATA_DIR/lambda/evil.py && ! -e $DATA_DIR/evil.py ]] || fail "a zip-slip entry was written"
expect_aws_error ResourceNotFoundException lambda get-function --function-name evil

# ---- handlers that call this emulator's IoT API ------------------------------------------------
iot create-thing --thing-name lambda-visible-thing >/dev/null

mkdir -p "$WORK/py-sdk"
cat >"$WORK/py-sdk/lambda_function.py" <<'EOF'
import boto3

iot = boto3.client("iot")  # at import time, as handlers do: no endpoint_url given

def lambda_handler(event, context):
    return sorted(thing["thingName"] for thing in iot.list_things()["things"])
EOF
make_zip py-sdk
lam create-function --function-name py-sdk --runtime python3.12 --handler lambda_function.lambda_handler \
  --role "$ROLE" --zip-file "fileb://$WORK/py-sdk.zip" --timeout 30 >/dev/null
invoke py-sdk '{}'
expect_eq "$(json_get "$WORK/out.json" 'j')" '["lambda-visible-thing"]' "boto3 inside the handler"

mkdir -p "$WORK/node-v2" "$WORK/node-v3"
cat >"$WORK/node-v2/index.js" <<'EOF'
const AWS = require('aws-sdk');
exports.handler = (event, context, callback) => {
  new AWS.Iot({ region: 'us-east-1' }).listThings({}, (err, data) => {
    if (err) return callback(err);
    callback(null, data.things.map((t) => t.thingName));
  });
};
EOF
cat >"$WORK/node-v3/index.mjs" <<'EOF'
import { IoTClient, ListThingsCommand } from '@aws-sdk/client-iot';
const client = new IoTClient({});
export const handler = async () => {
  const out = await client.send(new ListThingsCommand({}));
  return out.things.map((t) => t.thingName);
};
EOF
for version in v2 v3; do
  make_zip "node-$version"
  lam create-function --function-name "node-$version" --runtime nodejs20.x --handler index.handler \
    --role "$ROLE" --zip-file "fileb://$WORK/node-$version.zip" --timeout 30 >/dev/null
  invoke "node-$version" '{}'
  expect_eq "$(json_get "$WORK/out.json" 'j')" '["lambda-visible-thing"]' "aws-sdk $version inside the handler"
done

# ---- a function declared from a local folder ----------------------------------------------------
invoke declared '{"hello": "world"}'
expect_eq "$(json_get "$WORK/out.json" 'j["echo"]["hello"]')" world "declared function"
lam delete-function --function-name declared >/dev/null
[[ -f $WORK/declared/app.py ]] || fail "deleting a declared function removed the user's folder"

# ---- delete -------------------------------------------------------------------------------------
lam delete-function --function-name echo >/dev/null
expect_aws_error ResourceNotFoundException lambda get-function --function-name echo
expect_aws_error ResourceNotFoundException lambda delete-function --function-name echo

pass
