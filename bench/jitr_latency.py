#!/usr/bin/env python3
"""Latency of just-in-time registration through a rule and a local Lambda: from a device's first
mosquitto_pub (dropped by the broker) until describe-certificate says ACTIVE, for the workshop's
Python/boto3 handler and the blog's Node.js aws-sdk v2 handler (fixtures/handlers/),
cold (the first invocation starts the handler's process) and warm.

Usage: bench/jitr_latency.py [EMULATOR_BINARY] [--devices N] [--settle S]
(default build/iot-emulator, 4 devices, 0 s). --settle waits S seconds after deploying each
handler before its first device connects, as a fleet meets a function deployed beforehand.
Needs what the test suite needs (openssl, mosquitto_pub, boto3, node, scripts/setup's SDKs)."""
import hashlib
import io
import os
import subprocess
import time
import zipfile

import boto3

from onboarding import ROOT, Pki, arguments, running_emulator

HANDLERS = os.path.join(ROOT, "fixtures", "handlers")
FUNCTIONS = [  # name, runtime, handler, folder under HANDLERS
    ("workshop-python", "python3.11", "lambda_function.lambda_handler", "jitr_workshop_python"),
    ("blog-nodejs", "nodejs18.x", "index.handler", "jitr_blog_nodejs"),
]


def main():
    args = arguments(default_devices=4, settle=True)
    with running_emulator(args.binary, "iotemu-jitr-latency.") as (work, ready):
        run(work, ready, args.devices, args.settle)


def run(work, ready, devices, settle=0.0):
    iot = boto3.client("iot", endpoint_url=ready["api_endpoint"])
    lam = boto3.client("lambda", endpoint_url=ready["api_endpoint"])
    pki = Pki(work)
    pki.register_ca(iot, "ca")

    for name, runtime, handler, folder in FUNCTIONS:
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w") as archive:
            for file in os.listdir(os.path.join(HANDLERS, folder)):
                archive.write(os.path.join(HANDLERS, folder, file), file)
        arn = lam.create_function(FunctionName=name, Runtime=runtime, Handler=handler,
                                  Role="arn:aws:iam::123456789012:role/jitr", Timeout=30,
                                  Code={"ZipFile": package.getvalue()})["FunctionArn"]
        rule = name.replace("-", "_")
        iot.create_topic_rule(ruleName=rule, topicRulePayload={
            "sql": "SELECT * FROM '$aws/events/certificates/registered/#'",
            "ruleDisabled": True, "actions": [{"lambda": {"functionArn": arn}}]})

        iot.enable_topic_rule(ruleName=rule)  # one handler at a time
        time.sleep(settle)
        for i in range(devices):
            device = f"{name}-{i}"
            pki.sign(device, f"/CN={device}", "ca")
            with open(f"{work}/{device}.chain", "w") as chain:
                chain.write(open(f"{work}/{device}.crt").read() + open(f"{work}/ca.pem").read())
            der = pki.sh("openssl", "x509", "-in", f"{device}.crt", "-outform", "der")
            certificate_id = hashlib.sha256(der).hexdigest()
            started = time.monotonic()
            subprocess.run(["mosquitto_pub", "-h", ready["mqtt_host"], "-p",
                            str(ready["mqtt_port"]), "--cafile", ready["server_ca_file"],
                            "--cert", f"{device}.chain", "--key", f"{device}.key", "-i", device,
                            "-t", "hello", "-m", "hello"], cwd=work, capture_output=True)
            dropped = time.monotonic()
            while iot.describe_certificate(certificateId=certificate_id)[
                    "certificateDescription"]["status"] != "ACTIVE":
                time.sleep(0.002)
            active = time.monotonic()
            print(f"{name:16} {'cold' if i == 0 else 'warm'}: first connect dropped after "
                  f"{1000 * (dropped - started):4.0f} ms, ACTIVE after "
                  f"{1000 * (active - started):4.0f} ms")
        iot.disable_topic_rule(ruleName=rule)


if __name__ == "__main__":
    main()
