#!/usr/bin/env bash
# Bad input to STS, IAM, ACM PCA and Lambda's sized routes, each answered in its own protocol's
# error shape (services_bad_input.py, boto3 and raw requests): malformed query forms, unknown
# X-Amz-Target, a CSR that is not a CSR, unknown and malformed CA ARNs, IssueCertificate on a CA
# that is not ACTIVE, oversized bodies per route, versions Lambda does not keep. The aws CLI
# prints the codes, and a client claiming a huge body is refused before it sends it.
source "$(dirname "$0")/lib.sh"
start_emulator \
  --function "flood=python3.11:handlers.floods:$HANDLERS/misbehaving_python"
cd "$WORK"

openssl req -nodes -new -newkey rsa:2048 -keyout device.key -out device.csr -subj /CN=d 2>/dev/null
(cd "$HANDLERS/misbehaving_python" && zip -q -r "$WORK/f.zip" .)
python3 "$(dirname "$0")/services_bad_input.py" "$API" "$WORK" "$SERVER_CA" ||
  fail "a bad input was not answered in its protocol's shape"

expect_aws_error NoSuchEntity iam get-role --role-name ghost
expect_aws_error ResourceNotFoundException acm-pca describe-certificate-authority \
  --certificate-authority-arn arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/none

# IoT keeps 1 MiB; past Lambda's largest request nothing is read.
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >over-1mib.txt
status=$(curl -sS -o iot.out -w '%{http_code}' -X POST "$API/things/big" --data-binary @over-1mib.txt)
expect_eq "$status" 413 "an IoT body over 1 MiB"
status=$(curl -sS -o claim.out -w '%{http_code}' -X POST "$API/2015-03-31/functions" \
  -H 'content-type: application/json' -H 'content-length: 69905068' --data '{}')
expect_eq "$status" 413 "a CreateFunction body over 69905067 bytes"
json_get claim.out 'j["message"]' | grep -q '69905067 bytes for the CreateFunction operation' ||
  fail "unexpected message: $(cat claim.out)"
pass
