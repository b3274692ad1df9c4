#!/usr/bin/env bash
# The official blog's JITR flow end to end, real clients only: its Node.js handler (aws-sdk v2)
# deployed with `aws lambda create-function --zip-file`, a 2016-03-23 rule on
# $aws/events/certificates/registered/<caId> with a lambda action, the resource permission the blog
# adds. The device's first connect is dropped; the handler activates the certificate; the second
# connect, with client id = certificate id, publishes under foo/bar/<certId>/.
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

register_jitr_ca sampleCACertificate
function_arn=$(deploy_function jitr-blog nodejs18.x index.handler jitr_blog_nodejs --timeout 30)
iot create-topic-rule --rule-name JITRBlog --topic-rule-payload "$(cat <<JSON
{"sql": "SELECT * FROM '\$aws/events/certificates/registered/$CA_ID'",
 "awsIotSqlVersion": "2016-03-23", "ruleDisabled": false,
 "actions": [{"lambda": {"functionArn": "$function_arn"}}]}
JSON
)"
rule_arn=$(iot get-topic-rule --rule-name JITRBlog | json_get - 'j["ruleArn"]')
lambda_cli add-permission --function-name jitr-blog --statement-id iot-jitr \
  --action lambda:InvokeFunction --principal iot.amazonaws.com --source-arn "$rule_arn" >/dev/null

make_watcher watcher
make_signed deviceCert "/O=Fleet/CN=blog-device" sampleCACertificate
cat deviceCert.crt sampleCACertificate.pem >deviceCertAndCACert.crt
cert_id=$(certificate_id deviceCert.crt)

# First connect: registered PENDING_ACTIVATION, dropped; the rule runs the handler.
expect_dropped deviceCertAndCACert.crt deviceCert.key -q 1 -t foo/bar -i anyclientID
wait_for_status "$cert_id" ACTIVE 30
iot get-policy --policy-name "Policy_$cert_id" >/dev/null || fail "the handler's policy is missing"
wait_for_line emulator.log "activated $cert_id" || fail "the handler's console.log is not in the log"

# Second connect: client id = certificate id, topics under foo/bar/<certId>/.
start_sub app watcher.crt watcher.key watcher-app "foo/bar/$cert_id/#" -q 1
mqtt_pub deviceCert.crt deviceCert.key -q 1 -i "$cert_id" -t "foo/bar/$cert_id/hello" \
  -m '{"hello":"world"}' || fail "the activated device could not publish"
wait_for_line app.out "MSG foo/bar/$cert_id/hello {\"hello\":\"world\"}" ||
  fail "the device's message did not arrive"
# The blog's policy allows only its own client id.
expect_dropped deviceCert.crt deviceCert.key -q 1 -i someone-else -t "foo/bar/$cert_id/hello"
pass
