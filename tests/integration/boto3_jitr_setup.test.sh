#!/usr/bin/env bash
# The JITR blog's programmatic setup with boto3 and pyOpenSSL (boto3_jitr_setup.py): the CA made
# by its openssl script, registered with a pyOpenSSL verification certificate; the IAM role, the
# policy and their attachment; the Lambda function created with the role's ARN. Then the CLI's
# view of the same account: `aws sts get-caller-identity --query Account --output text`.
source "$(dirname "$0")/lib.sh"
start_emulator --account-id 210987654321
cd "$WORK"

# The post's "Create CA" script.
mkdir CA_files
cd CA_files
openssl ecparam -genkey -name prime256v1 -out zk_ca.key 2>/dev/null
OPENSSL_CONF=/etc/ssl/openssl.cnf openssl req \
  -x509 -new -SHA256 -nodes -key zk_ca.key \
  -days 3650 -out zk_ca.crt \
  -subj "/C=US/ST=California/L=Santa Barbara/O=Zymkey/" 2>/dev/null
cp zk_ca.crt zk_ca.pem
cd ..

cat >trust_document.txt <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "lambda.amazonaws.com"
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
JSON
cat >policy_document.txt <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      "Resource": "arn:aws:logs:*:*:*"
    },
    {
      "Effect": "Allow",
      "Action": ["iot:UpdateCertificate", "iot:CreatePolicy", "iot:AttachPrincipalPolicy"],
      "Resource": "*"
    }
  ]
}
JSON
(cd "$FIXTURES/handlers/jitr_blog_nodejs" && zip -q -r "$WORK/jitr_lambda.zip" .)

"$PYTHON_WITH_PYOPENSSL" "$(dirname "$0")/boto3_jitr_setup.py" "$API" 210987654321 ||
  fail "the boto3 setup script failed"
expect_eq "$(aws --endpoint-url "$API" sts get-caller-identity --query Account --output text)" \
  210987654321 "aws sts get-caller-identity --query Account --output text"
expect_eq "$(aws --endpoint-url "$API" iot describe-ca-certificate \
  --certificate-id "$(certificate_id CA_files/zk_ca.crt)" \
  --query certificateDescription.autoRegistrationStatus --output text)" ENABLE \
  "the registered CA's auto-registration"
pass
