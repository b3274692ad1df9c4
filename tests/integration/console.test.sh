#!/usr/bin/env bash
# The web console in a real browser (Debian's chromium, headless, driven by puppeteer-core): a
# JITR flow with the workshop's Lambda runs under the page, which must show the certificate
# PENDING_ACTIVATION then ACTIVE and the refusal's reason without a reload, tell the onboarding
# as one story, publish a message that reaches a device's mosquitto_sub, and drop the device
# when the certificate is revoked from the page. axe-core checks every view; screenshots of
# each view go to $IOTEMU_TEST_OUTPUT/console/ (build/test-output/console/ under CTest).
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (scripts/setup --test)"
node_dir=$(cd "$(dirname "$0")/node" && pwd)
[[ -d $node_dir/node_modules/puppeteer-core && -d $node_dir/node_modules/axe-core ]] ||
  fail "puppeteer-core and axe-core are not installed (scripts/setup --test)"
shots=${IOTEMU_TEST_OUTPUT:-$PWD/test-output}/console
mkdir -p "$shots"

start_emulator
cd "$WORK"
grep -qF "web console:" emulator.log || fail "the banner does not name the console"
status=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$API/_emulator/console/")
expect_eq "$status" "200 text/html; charset=utf-8" "the console's page"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$API/_emulator/console/nothing.js")" 404 \
  "an unknown console file"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$API/_emulator/console/live?topic=a/%23/b")" \
  400 "a live stream with an invalid topic filter"

register_jitr_ca pca "/O=Console/CN=Console CA" ec
function_arn=$(deploy_function jitr python3.11 lambda_function.lambda_handler jitr_workshop_python \
  --timeout 30)
iot create-topic-rule --rule-name JITRRule --topic-rule-payload "{
  \"sql\": \"SELECT * FROM '\$aws/events/certificates/registered/#' WHERE certificateStatus = \\\"PENDING_ACTIVATION\\\"\",
  \"actions\": [{\"lambda\": {\"functionArn\": \"$function_arn\"}}]}"
make_watcher watcher
iot create-thing --thing-name lamp --attribute-payload '{"attributes":{"room":"hall"}}' >/dev/null
make_signed device "/CN=my-console-device" pca ec
cat device.crt pca.pem >device-and-ca.crt

cat >config.json <<JSON
{"api": "$API", "host": "$MQTT_HOST", "port": $MQTT_PORT, "ca": "$SERVER_CA",
 "deviceCert": "$WORK/device-and-ca.crt", "deviceKey": "$WORK/device.key",
 "certificateId": "$(certificate_id device.crt)", "thing": "my-console-device", "caId": "$CA_ID",
 "watcherCert": "$WORK/watcher.crt", "watcherKey": "$WORK/watcher.key", "shots": "$shots"}
JSON
(cd "$node_dir" && timeout 120 node console_browser.js "$WORK/config.json") ||
  fail "the console's browser checks failed"
pass
