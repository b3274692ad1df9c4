#!/usr/bin/env python3
"""Latency of just-in-time registration through a rule and a local Lambda: from a device's first
mosquitto_pub (dropped by the broker) until describe-certificate says ACTIVE, for the workshop's
Python/boto3 handler and the blog's Node.js aws-sdk v2 handler (tests/integration/handlers/),
cold (the first invocation starts the handler's process) and warm.

Usage: bench/jitr_latency.py [EMULATOR_BINARY] [--devices N]   (default build/iot-emulator, 4)
Needs what the test suite needs (openssl, mosquitto_pub, boto3, node, scripts/setup's SDKs)."""
import argparse
import hashlib
import io
import json
import os
import subprocess
import tempfile
import time
import zipfile

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HANDLERS = os.path.join(ROOT, "tests", "integration", "handlers")
FUNCTIONS = [  # name, runtime, handler, folder under HANDLERS
    ("workshop-python", "python3.11", "lambda_function.lambda_handler", "jitr_workshop_python"),
    ("blog-nodejs", "nodejs18.x", "index.handler", "jitr_blog_nodejs"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(ROOT, "build", "iot-emulator"))
    parser.add_argument("--devices", type=int, default=4)
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                      AWS_DEFAULT_REGION="us-east-1")
    with tempfile.TemporaryDirectory(prefix="iotemu-jitr-latency.") as work:
        emulator = subprocess.Popen(
            [args.binary, "--api-port", "0", "--mqtt-port", "0", "--https-port", "0",
             "--alpn-port", "off", "--data-dir", f"{work}/data", "--ready-file",
             f"{work}/ready.json", "--log-level", "warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            run(work, args.devices)
        finally:
            emulator.terminate()
            emulator.wait()


def run(work, devices):
    while not os.path.exists(f"{work}/ready.json"):
        time.sleep(0.02)
    ready = json.load(open(f"{work}/ready.json"))
    iot = boto3.client("iot", endpoint_url=ready["api_endpoint"])
    lam = boto3.client("lambda", endpoint_url=ready["api_endpoint"])

    def sh(*command):
        subprocess.run(command, check=True, cwd=work, capture_output=True)

    def signed(name, subject):
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
           f"{name}.csr", "-subj", subject)
        sh("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
           "-CAcreateserial", "-out", f"{name}.crt", "-days", "5")

    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
       "ca.pem", "-subj", "/CN=Latency CA", "-days", "10",
       "-addext", "basicConstraints=critical,CA:TRUE")
    signed("verification", "/CN=" + iot.get_registration_code()["registrationCode"])
    iot.register_ca_certificate(caCertificate=open(f"{work}/ca.pem").read(),
                                verificationCertificate=open(f"{work}/verification.crt").read(),
                                setAsActive=True, allowAutoRegistration=True)

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
        for i in range(devices):
            device = f"{name}-{i}"
            signed(device, f"/CN={device}")
            with open(f"{work}/{device}.chain", "w") as chain:
                chain.write(open(f"{work}/{device}.crt").read() + open(f"{work}/ca.pem").read())
            der = subprocess.run(["openssl", "x509", "-in", f"{device}.crt", "-outform", "der"],
                                 cwd=work, capture_output=True, check=True).stdout
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
