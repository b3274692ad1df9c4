#!/usr/bin/env bash
# The HTTPS seed's JITR flow end to end, real clients only: its EC CA (Zymkey's subject)
# registered with auto-registration, a device certificate signed as the seed signs it, a Node.js
# Lambda on AWS SDK v3 behind the seed's 2016-03-23 rule on $aws/events/certificates/registered/
# <caCertificateId>, and the seed's curl command against the HTTPS port. The first call
# registers the certificate and gets an empty reply; the Lambda activates it; the next call is
# forbidden (no policy); with a policy it is 200 and the message reaches a mosquitto_sub
# subscriber and a rule (with no client id, as over HTTPS).
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"

register_jitr_ca zk_ca "/C=US/ST=California/L=Santa Barbara/O=Zymkey/" ec
make_signed zymkey "/C=US/ST=California/L=Santa Barbara/O=Zymbit/OU=Zymkey/" zk_ca ec
cert_id=$(certificate_id zymkey.crt)

function_arn=$(deploy_function jitr nodejs20.x index.handler jitr_activate_nodejs_v3 --timeout 30)
iot create-topic-rule --rule-name jitr --topic-rule-payload "$(cat <<JSON
{"sql": "SELECT * FROM '\$aws/events/certificates/registered/$CA_ID'",
 "awsIotSqlVersion": "2016-03-23",
 "actions": [{"lambda": {"functionArn": "$function_arn"}}]}
JSON
)"
# A rule sees HTTPS messages too: no client id over HTTPS, the certificate as principal.
iot create-topic-rule --rule-name seen --topic-rule-payload "$(cat <<'JSON'
{"sql": "SELECT hello, clientid() AS client, principal() AS principal FROM 'hello/world'",
 "awsIotSqlVersion": "2016-03-23",
 "actions": [{"republish": {"topic": "seen/hello", "roleArn": "arn:aws:iam::123456789012:role/r"}}]}
JSON
)"

make_watcher watcher
start_sub hello watcher.crt watcher.key watcher-hello 'hello/world' -q 1
start_sub seen watcher.crt watcher.key watcher-seen 'seen/#' -q 1

# The seed's command, pointed at the emulator's HTTPS port and its server CA.
seed_curl() {
  curl --tlsv1.2 --cacert "$SERVER_CA" --cert zymkey.crt --key zymkey.key -sS -D headers.txt \
    -o body.json -w '%{http_code}' -X POST -d "{ \"hello\": \"world\"}" \
    "https://localhost:$HTTPS_PORT/topics/hello/world?qos=1"
}

# First call: the handshake completes, the certificate is registered PENDING_ACTIVATION, the
# registration event published, and the server answers nothing ("Empty reply from server").
set +e
seed_curl >/dev/null 2>curl-first.txt
status=$?
set -e
expect_eq "$status" 52 "curl's exit status for the first call ($(cat curl-first.txt))"
grep -q "Empty reply from server" curl-first.txt || fail "first call: $(cat curl-first.txt)"

# The rule runs the SDK v3 handler, which activates the certificate.
wait_for_status "$cert_id" ACTIVE 30
wait_for_line emulator.log "activated $cert_id" || fail "the handler's console.log is not in the log"
expect_eq "$(iot describe-certificate --certificate-id "$cert_id" |
  json_get - 'j["certificateDescription"]["caCertificateId"]')" "$CA_ID" "the certificate's CA"

# Activated, but no policy: 403 ForbiddenException in AWS's shape.
expect_eq "$(seed_curl)" 403 "status without a policy"
grep -qi '^x-amzn-ErrorType: ForbiddenException' headers.txt || fail "no ForbiddenException: $(cat headers.txt)"
expect_eq "$(json_get body.json 'j["message"]')" Forbidden "403 message"

# With a policy allowing iot:Publish on the topic: 200 {"message":"OK","traceId":…}.
iot create-policy --policy-name zymkey-publish --policy-document '{"Version":"2012-10-17",
  "Statement":[{"Effect":"Allow","Action":"iot:Publish",
  "Resource":"arn:aws:iot:us-east-1:123456789012:topic/hello/world"}]}' >/dev/null
iot attach-policy --policy-name zymkey-publish \
  --target "arn:aws:iot:us-east-1:123456789012:cert/$cert_id"
expect_eq "$(seed_curl)" 200 "status with a policy"
expect_eq "$(json_get body.json 'j["message"]')" OK "200 message"
request_id=$(grep -i '^x-amzn-RequestId:' headers.txt | tr -d '\r' | cut -d' ' -f2)
expect_eq "$(json_get body.json 'j["traceId"]')" "$request_id" "traceId = x-amzn-RequestId"

wait_for_line hello.out 'MSG hello/world { "hello": "world"}' ||
  fail "the HTTPS message did not reach the subscriber: $(cat hello.out)"
wait_for_line seen.out "MSG seen/hello {\"client\":\"n/a\",\"hello\":\"world\",\"principal\":\"$cert_id\"}" ||
  fail "the HTTPS message did not reach the rule as expected: $(cat seen.out)"

# The policy allows only hello/world, and retaining needs iot:RetainPublish too.
status=$(curl --cacert "$SERVER_CA" --cert zymkey.crt --key zymkey.key -sS -o /dev/null \
  -w '%{http_code}' -X POST -d x "https://localhost:$HTTPS_PORT/topics/hello/moon")
expect_eq "$status" 403 "status for a topic the policy does not allow"
status=$(curl --cacert "$SERVER_CA" --cert zymkey.crt --key zymkey.key -sS -o /dev/null \
  -w '%{http_code}' -X POST -d x "https://localhost:$HTTPS_PORT/topics/hello/world?retain=true")
expect_eq "$status" 403 "status for a retained publish without iot:RetainPublish"
expect_aws_error ResourceNotFoundException iot-data get-retained-message --topic hello/world
pass
