"""Bad input to STS, IAM, ACM PCA and Lambda's sized routes, run by services_bad_input.test.sh:
boto3 must raise each service's modeled exception class with the right code and HTTP status, and
raw requests must get each protocol's error shape."""
import base64
import json
import sys
import urllib.error
import urllib.request

import boto3
from botocore.exceptions import ClientError

endpoint, work, other_ca_pem = sys.argv[1], sys.argv[2], sys.argv[3]
iam = boto3.client("iam", endpoint_url=endpoint)
sts = boto3.client("sts", endpoint_url=endpoint)
pca = boto3.client("acm-pca", endpoint_url=endpoint)
lam = boto3.client("lambda", endpoint_url=endpoint)


def expect(exception, status, call, *args, **kwargs):
    """`call` must raise `exception` (a modeled class, or ClientError) answered with `status`."""
    try:
        call(*args, **kwargs)
    except exception as error:
        got = error.response["ResponseMetadata"]["HTTPStatusCode"]
        assert got == status, (call, error.response)
        return error.response["Error"]
    raise AssertionError(f"{call.__name__} did not raise {exception.__name__}")


def raw(body, headers):
    """POST / with `body`; (status, content-type, body text)."""
    request = urllib.request.Request(endpoint + "/", data=body.encode(), headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers["content-type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read().decode()


# ---- query protocol (STS, IAM): <ErrorResponse> with the model's short code --------------------
form = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
for body, code, status in [
    ("Action=GetRole&Version=2010-05-08&RoleName=%zz", "MalformedQueryString", 404),
    ("Version=2011-06-15&RoleArn=x", "MissingAction", 400),
    ("Action=ListUsers&Version=2010-05-08", "InvalidAction", 400),
]:
    got_status, content_type, text = raw(body, form)
    assert (got_status, content_type) == (status, "text/xml"), (body, got_status, text)
    assert f"<Code>{code}</Code>" in text and text.startswith("<ErrorResponse"), (body, text)

expect(iam.exceptions.NoSuchEntityException, 404, iam.get_role, RoleName="ghost")
expect(iam.exceptions.MalformedPolicyDocumentException, 400, iam.create_role, RoleName="r",
       AssumeRolePolicyDocument='{"Statement": [}')
expect(iam.exceptions.NoSuchEntityException, 404, iam.attach_role_policy, RoleName="ghost",
       PolicyArn="arn:aws:iam::aws:policy/service-role/AWSIoTLogging")
error = expect(ClientError, 400, sts.assume_role,
               RoleArn="arn:aws:iam::123456789012:user/alice", RoleSessionName="s1")
assert error["Code"] == "ValidationError", error

# ---- JSON 1.1 (ACM PCA): {"__type", "message"} --------------------------------------------------
status, content_type, text = raw("{}", {"x-amz-target": "ACMPrivateCA.MintCoins",
                                        "content-type": "application/x-amz-json-1.1"})
assert (status, content_type) == (400, "application/x-amz-json-1.1"), (status, text)
assert json.loads(text)["__type"] == "UnknownOperationException", text

unknown = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/5f7a1d2e-0000-4000-8000-000000000000"
expect(pca.exceptions.ResourceNotFoundException, 400, pca.describe_certificate_authority,
       CertificateAuthorityArn=unknown)
expect(pca.exceptions.InvalidArnException, 400, pca.get_certificate_authority_csr,
       CertificateAuthorityArn="arn:aws:iot:us-east-1:123456789012:thing/not-a-ca")
pending = pca.create_certificate_authority(
    CertificateAuthorityType="ROOT",
    CertificateAuthorityConfiguration={"KeyAlgorithm": "EC_prime256v1",
                                       "SigningAlgorithm": "SHA256WITHECDSA",
                                       "Subject": {"CommonName": "Pending CA"}})["CertificateAuthorityArn"]
device_csr = open(f"{work}/device.csr", "rb").read()
expect(pca.exceptions.InvalidStateException, 400, pca.issue_certificate,
       CertificateAuthorityArn=pending, Csr=device_csr, SigningAlgorithm="SHA256WITHECDSA",
       Validity={"Value": 1, "Type": "DAYS"})
expect(pca.exceptions.MalformedCSRException, 400, pca.issue_certificate,
       CertificateAuthorityArn=pending, Csr=b"this is not a certificate signing request",
       SigningAlgorithm="SHA256WITHECDSA", Validity={"Value": 1, "Type": "DAYS"})
expect(pca.exceptions.CertificateMismatchException, 400,
       pca.import_certificate_authority_certificate, CertificateAuthorityArn=pending,
       Certificate=open(other_ca_pem, "rb").read())
expect(pca.exceptions.InvalidStateException, 400, pca.get_certificate_authority_certificate,
       CertificateAuthorityArn=pending)

# ---- Lambda: sizes and versions ------------------------------------------------------------------
answer = lam.invoke(FunctionName="flood", Payload=json.dumps({"pad": "a" * (2 * 1024 * 1024)}))
assert answer["FunctionError"] == "Unhandled", answer
assert json.loads(answer["Payload"].read())["errorType"] == "Function.ResponseSizeTooLarge"
error = expect(lam.exceptions.RequestTooLargeException, 413, lam.invoke, FunctionName="flood",
               Payload=b" " * (6291456 + 1))
assert "6291456 bytes for the InvokeFunction operation" in error["Message"], error
zip_file = open(f"{work}/f.zip", "rb").read()
expect(lam.exceptions.InvalidParameterValueException, 400, lam.create_function,
       FunctionName="v", Runtime="python3.12", Handler="handlers.throws",
       Role="arn:aws:iam::123456789012:role/r", Code={"ZipFile": zip_file}, Publish=True)
expect(lam.exceptions.InvalidParameterValueException, 400, lam.publish_version,
       FunctionName="flood")
print("bad input answered in each protocol's shape")
