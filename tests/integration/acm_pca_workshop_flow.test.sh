#!/usr/bin/env bash
# The IoT Device Management workshop with ACM Private CA, end to end, its commands as written
# plus --endpoint-url: a ROOT CA created with `aws acm-pca`, its CSR signed (the console's
# "Install a CA certificate" step, done with the CLI as scripts do), imported; a verification
# certificate issued for the registration code and the CA registered with IoT; then the JITR
# exercise: the Lambda role from IAM, the workshop's Python Lambda (python3.7, as the workshop
# deploys it), the rule, the account from STS for add-permission, and a device certificate issued
# by ACM PCA that goes through JITR and publishes. (The workshop's "verify" listings are left out:
# each aws call costs a second of CPU.)
source "$(dirname "$0")/lib.sh"
start_emulator
cd "$WORK"
aws() { command aws --endpoint-url "$API" "$@"; }  # the one change to the workshop's commands
REGION=us-east-1

# ---- Bring your own CA (~/ACM_PCA) ------------------------------------------------------------
cat >ca-config.json <<'JSON'
{
  "KeyAlgorithm": "RSA_2048",
  "SigningAlgorithm": "SHA256WITHRSA",
  "Subject": {
    "Country": "DE",
    "Organization": "AWS IoT Device Management Workshop",
    "OrganizationalUnit": "IoT",
    "State": "Berlin",
    "Locality": "Berlin",
    "CommonName": "IoT Device Management CA"
  }
}
JSON
echo '{"CrlConfiguration": {"Enabled": false}}' >revoke-config.json

aws acm-pca create-certificate-authority \
	--certificate-authority-configuration file://./ca-config.json \
	--revocation-configuration file://./revoke-config.json \
	--certificate-authority-type "ROOT" \
	--idempotency-token $(date +'%Y%m%d%H%M%S') >create-ca.json
CA_ARN=$(jq -r '.CertificateAuthorityArn' create-ca.json)
[[ $CA_ARN == arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/* ]] ||
  fail "unexpected CA ARN $CA_ARN"
expect_eq "$(aws acm-pca describe-certificate-authority --certificate-authority-arn $CA_ARN |
  jq -r '.CertificateAuthority.Status')" PENDING_CERTIFICATE "the new CA's status"

# The console's "Install a CA certificate", as the CLI does it: the CA's own CSR signed with
# RootCACertificate/V1 (10 years, SHA256WITHRSA), then imported.
aws acm-pca wait certificate-authority-csr-created --certificate-authority-arn $CA_ARN
aws acm-pca get-certificate-authority-csr --certificate-authority-arn $CA_ARN --output text >ca.csr
ROOT_CERT_ARN=$(aws acm-pca issue-certificate --certificate-authority-arn $CA_ARN \
  --csr fileb://ca.csr --signing-algorithm SHA256WITHRSA \
  --template-arn arn:aws:acm-pca:::template/RootCACertificate/V1 \
  --validity Value=10,Type=YEARS --output text --query CertificateArn)
aws acm-pca wait certificate-issued --certificate-authority-arn $CA_ARN --certificate-arn $ROOT_CERT_ARN
aws acm-pca get-certificate --certificate-authority-arn $CA_ARN --certificate-arn $ROOT_CERT_ARN \
  --output text --query Certificate >ca-cert.pem
aws acm-pca import-certificate-authority-certificate --certificate-authority-arn $CA_ARN \
  --certificate fileb://ca-cert.pem
expect_eq "$(aws acm-pca describe-certificate-authority --certificate-authority-arn $CA_ARN \
  --query CertificateAuthority.Status --output text)" ACTIVE "the CA's status after the import"

aws acm-pca get-certificate-authority-certificate --certificate-authority-arn $CA_ARN \
  --output text >acm-pca-root-ca.pem
openssl x509 -in acm-pca-root-ca.pem -noout -text >root.txt
grep -q 'CA:TRUE' root.txt || fail "the CA certificate is not a CA: $(cat root.txt)"
grep -q 'Certificate Sign, CRL Sign' root.txt || fail "the CA certificate lacks keyCertSign/cRLSign"

# The verification certificate: a CSR whose CN is the registration code, issued by ACM PCA.
registration_code=$(aws iot get-registration-code | jq -r '.registrationCode')
openssl req -new -newkey rsa:2048 -nodes -keyout verification_cert.key \
  -out verification_cert.csr -subj "/CN=$registration_code" 2>/dev/null
VERIFICATION_ARN=$(aws acm-pca issue-certificate --certificate-authority-arn $CA_ARN \
  --csr fileb://./verification_cert.csr --signing-algorithm "SHA256WITHRSA" \
  --validity Value=1,Type="DAYS" | jq -r '.CertificateArn')
aws acm-pca wait certificate-issued --certificate-authority-arn $CA_ARN \
  --certificate-arn $VERIFICATION_ARN
aws acm-pca get-certificate --certificate-authority-arn $CA_ARN \
  --certificate-arn $VERIFICATION_ARN --output text --query Certificate >verification_cert.pem
openssl verify -CAfile acm-pca-root-ca.pem verification_cert.pem >/dev/null ||
  fail "the verification certificate does not verify against the ACM PCA root"

CA_CERTIFICATE_ID=$(aws iot register-ca-certificate --ca-certificate file://acm-pca-root-ca.pem \
  --verification-cert file://verification_cert.pem --set-as-active |
  jq -r '.certificateId')
expect_eq "$CA_CERTIFICATE_ID" "$(certificate_id acm-pca-root-ca.pem)" "the registered CA's id"

# ---- Just-in-time registration (the seed's exercise) -----------------------------------------
aws iot update-ca-certificate --certificate-id $CA_CERTIFICATE_ID \
  --remove-auto-registration \
  --new-auto-registration-status DISABLE
aws iot update-ca-certificate --certificate-id $CA_CERTIFICATE_ID \
  --new-auto-registration-status ENABLE

# "The role that is required to create the Lambda function was already created for you."
cat >lambda-trust.json <<'JSON'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
JSON
ARN_LAMBDA_ROLE=$(aws iam create-role --role-name jitr-lambda-role \
  --assume-role-policy-document file://lambda-trust.json --query Role.Arn --output text)
aws iam attach-role-policy --role-name jitr-lambda-role \
  --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole

(cd "$FIXTURES/handlers/jitr_workshop_python" && zip -q -r "$WORK/jitr-lambda.zip" .)
aws lambda create-function \
	--region $REGION \
	--function-name jitr \
	--zip-file fileb://./jitr-lambda.zip \
	--role $ARN_LAMBDA_ROLE \
	--handler lambda_function.lambda_handler \
	--runtime python3.7 \
	--timeout 30 \
	--memory-size 256 >/dev/null
ARN_LAMBDA=$(aws lambda get-function --function-name jitr | jq -r '.Configuration.FunctionArn')

aws iot create-topic-rule --rule-name JITRRule \
  --topic-rule-payload "{
        \"sql\": \"SELECT * FROM '\$aws/events/certificates/registered/#' WHERE certificateStatus = \\\"PENDING_ACTIVATION\\\"\",
        \"description\": \"Rule for JITR\",
        \"actions\": [{
                \"lambda\": {
                    \"functionArn\": \"$ARN_LAMBDA\"}}]}"

ACCOUNT_ID=$(aws sts get-caller-identity | jq -r '.Account')
expect_eq "$ACCOUNT_ID" 123456789012 "sts get-caller-identity's Account"
ARN_TOPIC_RULE=$(aws iot get-topic-rule --rule-name JITRRule | jq -r '.ruleArn')
aws lambda add-permission --function-name jitr \
  --region $REGION --principal iot.amazonaws.com \
  --source-arn $ARN_TOPIC_RULE --source-account $ACCOUNT_ID \
  --statement-id Id-123 --action "lambda:InvokeFunction" >/dev/null

# A device certificate issued by ACM PCA, as in the JITP exercise.
deviceCert=my-jitr-device
openssl req -nodes -new -newkey rsa:2048 \
            -keyout $deviceCert.key \
            -out $deviceCert.csr \
            -subj "/C=DE/CN=my-jitr-device" 2>/dev/null
CERT_ARN=$(aws acm-pca issue-certificate --certificate-authority-arn $CA_ARN \
  --csr fileb://./$deviceCert.csr --signing-algorithm "SHA256WITHRSA" \
  --validity Value=365,Type="DAYS" --idempotency-token $(date +'%Y%m%d%H%M%S') |
  jq -r '.CertificateArn')
aws acm-pca wait certificate-issued --certificate-authority-arn $CA_ARN --certificate-arn $CERT_ARN
aws acm-pca get-certificate --certificate-authority-arn $CA_ARN --certificate-arn $CERT_ARN \
  --output text --query Certificate >$deviceCert.crt
cat $deviceCert.crt acm-pca-root-ca.pem >${deviceCert}AndCACert.crt
cert_id=$(certificate_id $deviceCert.crt)

expect_dropped ${deviceCert}AndCACert.crt $deviceCert.key -q 1 -t cmd/my-jitr-device/welcome \
  -i my-jitr-device --tls-version tlsv1.2
wait_for_status "$cert_id" ACTIVE 30
aws iot describe-thing --thing-name my-jitr-device >/dev/null || fail "the thing was not created"

# QoS 1: the broker acknowledges only a publish jitr_Policy allows.
mqtt_pub $deviceCert.crt $deviceCert.key -q 1 -t dt/my-jitr-device/welcome -i my-jitr-device \
  --tls-version tlsv1.2 -m '{"i am": "just-in-time registered"}' ||
  fail "the provisioned device could not publish"
pass
