"""The JITR blog's "Programmatic Setup" in boto3, run by boto3_jitr_setup.test.sh in a folder
holding CA_files/, trust_document.txt, policy_document.txt and jitr_lambda.zip. Its code as the
post gives it, with `endpoint_url=` added to each client; where the post's text lost lines (the
verification certificate's fields, the calls' arguments) they are filled in as the post
describes them, and boto3.client('IAM') is spelled 'iam' (boto3 knows no service 'IAM').
Then what a user of the script would check, and the errors they would catch."""
import json
import sys

import OpenSSL
import boto3

endpoint = sys.argv[1]
account = sys.argv[2]


def gen_AWS_verification_csr(registrationCode):
    key = OpenSSL.crypto.PKey()
    key.generate_key(OpenSSL.crypto.TYPE_RSA, 2048)
    req = OpenSSL.crypto.X509Req()
    req.get_subject().CN = registrationCode
    req.set_pubkey(key)
    req.sign(key, "sha256")
    return OpenSSL.crypto.dump_certificate_request(OpenSSL.crypto.FILETYPE_PEM, req)


def sign_CSR_with_CA(verification_csr, CA_cert_path, CA_key_path):
    ca_cert = OpenSSL.crypto.load_certificate(OpenSSL.crypto.FILETYPE_PEM, open(CA_cert_path).read())
    ca_key = OpenSSL.crypto.load_privatekey(OpenSSL.crypto.FILETYPE_PEM, open(CA_key_path).read())
    req = OpenSSL.crypto.load_certificate_request(OpenSSL.crypto.FILETYPE_PEM, verification_csr)
    cert = OpenSSL.crypto.X509()
    cert.set_subject(req.get_subject())
    cert.set_serial_number(1)
    cert.gmtime_adj_notBefore(0)
    cert.gmtime_adj_notAfter(24 * 60 * 60)
    cert.set_issuer(ca_cert.get_subject())
    cert.set_pubkey(req.get_pubkey())
    cert.sign(ca_key, "sha256")
    return OpenSSL.crypto.dump_certificate(OpenSSL.crypto.FILETYPE_PEM, cert)


def register_CA_AWS(CA_cert_path, CA_key_path):
    client = boto3.client('iot', endpoint_url=endpoint)
    response = client.get_registration_code()
    registration_key = response['registrationCode']
    verification_pem = gen_AWS_verification_csr(registrationCode=registration_key)
    verification_cert = sign_CSR_with_CA(verification_csr=verification_pem, CA_cert_path=CA_cert_path, CA_key_path=CA_key_path)
    response = client.register_ca_certificate(
        caCertificate=open(CA_cert_path).read(),
        verificationCertificate=verification_cert.decode(),
        setAsActive=True,
        allowAutoRegistration=True)
    return response


ca = register_CA_AWS(CA_cert_path='CA_files/zk_ca.crt', CA_key_path='CA_files/zk_ca.key')

# ---- Creating the IAM role, its policy, and the Lambda function -------------------------------
iam_client = boto3.client('iam', endpoint_url=endpoint)
with open('trust_document.txt') as trust_role:
    trust_document = trust_role.read()

with open('policy_document.txt') as policy:
    policy_document = policy.read()

# Creating the IAM role with the specified Trust
create_role_response = iam_client.create_role(
    RoleName='jitr_role',
    AssumeRolePolicyDocument=trust_document,
    Description='AWS Role given to the JITR lambda'
)

# Creating the IAM policy with the specified P
create_policy_resopnse = iam_client.create_policy(
    PolicyName='jitr_policy',
    PolicyDocument=policy_document,
    Description='Policy that allows JITR lambda to execute actions.'
)
# Attaching the IAM policy to the IAM role
attach_response = iam_client.attach_role_policy(
    RoleName='jitr_role',
    PolicyArn=create_policy_resopnse['Policy']['Arn']
)

with open('jitr_lambda.zip', mode='rb') as file:
    filecontent = file.read()

lambda_client = boto3.client('lambda', endpoint_url=endpoint)
create_lambda_response = lambda_client.create_function(
    FunctionName='jitr',
    Runtime='nodejs12.x',
    Role=create_role_response['Role']['Arn'],
    Handler='index.handler',
    Code={
        'ZipFile': filecontent
    },
    Description='Lambda function for Just-in-time-Registration',
)

# ---- What the script's user sees ----------------------------------------------------------------
role = create_role_response['Role']
assert role['Arn'] == f"arn:aws:iam::{account}:role/jitr_role", role
assert role['RoleId'].startswith('AROA'), role
# botocore decodes the URL-encoded trust policy back into a document.
assert role['AssumeRolePolicyDocument'] == json.loads(trust_document), role
policy = create_policy_resopnse['Policy']
assert policy['Arn'] == f"arn:aws:iam::{account}:policy/jitr_policy", policy
assert policy['DefaultVersionId'] == 'v1' and policy['IsAttachable'] is True, policy
assert create_lambda_response['Role'] == role['Arn'], create_lambda_response
assert create_lambda_response['Version'] == '$LATEST', create_lambda_response
attached = iam_client.list_attached_role_policies(RoleName='jitr_role')['AttachedPolicies']
assert attached == [{'PolicyName': 'jitr_policy', 'PolicyArn': policy['Arn']}], attached
version = iam_client.get_policy_version(PolicyArn=policy['Arn'], VersionId='v1')['PolicyVersion']
assert version['Document'] == json.loads(policy_document) and version['IsDefaultVersion'], version
assert iam_client.get_role(RoleName='jitr_role')['Role']['CreateDate'].year >= 2024

# Modeled errors arrive as boto3's exception classes.
try:
    iam_client.create_role(RoleName='jitr_role', AssumeRolePolicyDocument=trust_document)
    raise AssertionError('a second jitr_role was created')
except iam_client.exceptions.EntityAlreadyExistsException as error:
    assert error.response['Error']['Code'] == 'EntityAlreadyExists'
    assert error.response['ResponseMetadata']['HTTPStatusCode'] == 409
try:
    iam_client.delete_role(RoleName='jitr_role')
    raise AssertionError('a role with an attached policy was deleted')
except iam_client.exceptions.DeleteConflictException:
    pass
try:
    iam_client.get_role(RoleName='nobody')
    raise AssertionError('an unknown role was found')
except iam_client.exceptions.NoSuchEntityException as error:
    assert error.response['ResponseMetadata']['HTTPStatusCode'] == 404
try:
    iam_client.create_policy(PolicyName='broken', PolicyDocument='{"Statement": ')
    raise AssertionError('a broken policy was created')
except iam_client.exceptions.MalformedPolicyDocumentException:
    pass
managed = iam_client.get_policy(
    PolicyArn='arn:aws:iam::aws:policy/service-role/AWSIoTThingsRegistration')['Policy']
assert managed['PolicyName'] == 'AWSIoTThingsRegistration', managed

sts = boto3.client('sts', endpoint_url=endpoint)
assert sts.get_caller_identity()['Account'] == account
session = sts.assume_role(RoleArn=role['Arn'], RoleSessionName='jitr-test')
assert session['AssumedRoleUser']['Arn'] == f"arn:aws:sts::{account}:assumed-role/jitr_role/jitr-test"
credentials = session['Credentials']
as_role = boto3.client('sts', endpoint_url=endpoint,
                       aws_access_key_id=credentials['AccessKeyId'],
                       aws_secret_access_key=credentials['SecretAccessKey'],
                       aws_session_token=credentials['SessionToken'])
assert as_role.get_caller_identity()['Arn'] == session['AssumedRoleUser']['Arn']
print("registered CA", ca['certificateId'], "role", role['Arn'], "function",
      create_lambda_response['FunctionArn'])
