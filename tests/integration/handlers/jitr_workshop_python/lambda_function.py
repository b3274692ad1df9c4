"""The JITR handler of the AWS IoT workshop, written to its description: from the registration
event it reads the certificate, creates a thing named after the certificate's common name,
creates the policy jitr_Policy if it does not exist, activates the certificate, attaches it to
the thing and attaches the policy. boto3 with no endpoint in the code: it runs unchanged against
AWS and the emulator."""
import json

import boto3
from cryptography import x509
from cryptography.x509.oid import NameOID

POLICY_NAME = "jitr_Policy"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "iot:Connect",
         "Resource": "arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}"},
        {"Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"],
         "Resource": ["arn:aws:iot:*:*:topic/dt/${iot:Connection.Thing.ThingName}/*",
                      "arn:aws:iot:*:*:topic/cmd/${iot:Connection.Thing.ThingName}/*"]},
        {"Effect": "Allow", "Action": "iot:Subscribe",
         "Resource": "arn:aws:iot:*:*:topicfilter/cmd/${iot:Connection.Thing.ThingName}/*"},
    ],
}

iot = boto3.client("iot")


def common_name(certificate_pem):
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    return certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def lambda_handler(event, context):
    print("event:", json.dumps(event))
    certificate_id = event["certificateId"]
    description = iot.describe_certificate(certificateId=certificate_id)["certificateDescription"]
    certificate_arn = description["certificateArn"]
    thing_name = common_name(description["certificatePem"])

    iot.create_thing(thingName=thing_name)
    try:
        iot.get_policy(policyName=POLICY_NAME)
    except iot.exceptions.ResourceNotFoundException:
        iot.create_policy(policyName=POLICY_NAME, policyDocument=json.dumps(POLICY))
    iot.update_certificate(certificateId=certificate_id, newStatus="ACTIVE")
    iot.attach_thing_principal(thingName=thing_name, principal=certificate_arn)
    iot.attach_policy(policyName=POLICY_NAME, target=certificate_arn)
    print(f"provisioned {thing_name} with certificate {certificate_id}")
    return {"thingName": thing_name, "certificateId": certificate_id}
