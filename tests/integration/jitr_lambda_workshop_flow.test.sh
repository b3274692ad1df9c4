#!/usr/bin/env bash
# The workshop's JITR flow end to end, real clients only: a Python/boto3 handler deployed with
# `aws lambda create-function`, the workshop's rule
#   SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION"
# (2015-10-08, the default). The handler creates the thing from the certificate's CN, jitr_Policy
# if missing, activates the certificate and attaches both; the device then publishes to
# dt/<thing>/welcome.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

register_jitr_ca pca "/O=Workshop/CN=Workshop CA" ec
function_arn=$(deploy_function jitr python3.11 lambda_function.lambda_handler jitr_workshop_python \
  --timeout 30 --memory-size 256)
expect_eq "$(lambda_cli get-function --function-name jitr |
  json_get - 'j["Configuration"]["FunctionArn"]')" "$function_arn" "get-function's FunctionArn"
iot create-topic-rule --rule-name JITRRule --topic-rule-payload "{
  \"sql\": \"SELECT * FROM '\$aws/events/certificates/registered/#' WHERE certificateStatus = \\\"PENDING_ACTIVATION\\\"\",
  \"description\": \"Rule for JITR\",
  \"actions\": [{\"lambda\": {\"functionArn\": \"$function_arn\"}}]}"
rule_arn=$(iot get-topic-rule --rule-name JITRRule | json_get - 'j["ruleArn"]')
lambda_cli add-permission --function-name jitr --principal iot.amazonaws.com \
  --source-arn "$rule_arn" --source-account 123456789012 --statement-id Id-123 \
  --action lambda:InvokeFunction >/dev/null
lambda_cli get-policy --function-name jitr | json_get - 'j["Policy"]' | grep -q Id-123 ||
  fail "get-policy does not show the permission"

make_watcher watcher
start_sub welcome watcher.crt watcher.key watcher-dt 'dt/#' -q 1
openssl req -nodes -new -newkey rsa:2048 -keyout device.key -out device.csr \
  -subj "/C=DE/CN=my-jitr-device" 2>/dev/null
openssl x509 -req -in device.csr -CA pca.pem -CAkey pca.key -CAcreateserial -out device.crt \
  -days 365 -sha256 2>/dev/null
cat device.crt pca.pem >deviceAndCACert.crt
cert_id=$(certificate_id device.crt)

started=$(date +%s%N)
expect_dropped deviceAndCACert.crt device.key -q 1 -t cmd/my-jitr-device/welcome \
  -i my-jitr-device --tls-version tlsv1.2
wait_for_status "$cert_id" ACTIVE 30
echo "first connect to ACTIVE (cold handler): $(( ($(date +%s%N) - started) / 1000000 )) ms"

iot describe-thing --thing-name my-jitr-device >/dev/null || fail "the thing was not created"
expect_eq "$(iot list-thing-principals --thing-name my-jitr-device | json_get - 'j["principals"][0]')" \
  "arn:aws:iot:us-east-1:123456789012:cert/$cert_id" "the thing's principal"
expect_eq "$(iot list-attached-policies --target "arn:aws:iot:us-east-1:123456789012:cert/$cert_id" |
  json_get - 'j["policies"][0]["policyName"]')" jitr_Policy "the certificate's policy"

mqtt_pub device.crt device.key -q 1 -t dt/my-jitr-device/welcome -i my-jitr-device \
  --tls-version tlsv1.2 -m '{"i am": "just-in-time registered"}' ||
  fail "the provisioned device could not publish"
wait_for_line welcome.out 'MSG dt/my-jitr-device/welcome {"i am": "just-in-time registered"}' ||
  fail "the welcome message did not arrive"

# A second device while the handler's process is warm.
openssl req -nodes -new -newkey rsa:2048 -keyout device2.key -out device2.csr \
  -subj "/C=DE/CN=my-second-device" 2>/dev/null
openssl x509 -req -in device2.csr -CA pca.pem -CAkey pca.key -CAcreateserial -out device2.crt \
  -days 365 -sha256 2>/dev/null
cat device2.crt pca.pem >device2AndCACert.crt
started=$(date +%s%N)
expect_dropped device2AndCACert.crt device2.key -q 1 -t cmd/x -i my-second-device
wait_for_status "$(certificate_id device2.crt)" ACTIVE 30
echo "first connect to ACTIVE (warm handler): $(( ($(date +%s%N) - started) / 1000000 )) ms"
pass
