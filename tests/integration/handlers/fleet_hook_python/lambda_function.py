"""A pre-provisioning hook as AWS's fleet-provisioning guide describes one: it gets the claim
certificate's id, the new certificate, the template's ARN, the client id and the device's
parameters; it refuses serial numbers starting with "bad" and otherwise allows provisioning,
overriding SerialNumber so the thing's name shows the hook ran."""

EXPECTED = ("claimCertificateId", "certificateId", "certificatePem", "templateArn", "clientId",
            "parameters")


def lambda_handler(event, context):
    missing = [key for key in EXPECTED if not event.get(key)]
    if missing:
        raise ValueError(f"the event lacks {missing}")
    serial = event["parameters"].get("SerialNumber", "")
    if serial.startswith("bad"):
        return {"allowProvisioning": False}
    return {"allowProvisioning": True, "parameterOverrides": {"SerialNumber": "hooked-" + serial}}
