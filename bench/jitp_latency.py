#!/usr/bin/env python3
"""Latency of just-in-time provisioning: from a device's first mosquitto_pub (dropped by the
broker) until describe-thing finds the thing its CA's template created, with the workshop's
template and device policy (tests/integration/jitp/). The same run times first connects under a
plain JITR CA (registration only, no template), so the ratio shows what provisioning adds.

Usage: bench/jitp_latency.py [EMULATOR_BINARY] [--devices N]   (default build/iot-emulator, 20)
Needs what the test suite needs (openssl, mosquitto_pub, boto3)."""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "integration", "jitp")
POLICY = "jitp-device-policy"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(ROOT, "build", "iot-emulator"))
    parser.add_argument("--devices", type=int, default=20)
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                      AWS_DEFAULT_REGION="us-east-1")
    with tempfile.TemporaryDirectory(prefix="iotemu-jitp-latency.") as work:
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


def workshop_template():
    """TB as the workshop's shell line sets it, then as the JSON its update-ca-certificate sends."""
    tb = subprocess.run(["bash", "-c", f'IOT_POLICY={POLICY}; source "$1"; printf %s "$TB"', "-",
                         os.path.join(FIXTURES, "workshop_template.sh")],
                        check=True, capture_output=True, text=True).stdout
    return tb.replace('\\"', '"')


def run(work, devices):
    while not os.path.exists(f"{work}/ready.json"):
        time.sleep(0.02)
    ready = json.load(open(f"{work}/ready.json"))
    iot = boto3.client("iot", endpoint_url=ready["api_endpoint"])

    def sh(*command):
        subprocess.run(command, check=True, cwd=work, capture_output=True)

    def register_ca(name, **config):
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
           "-out", f"{name}.pem", "-subj", f"/CN={name}", "-days", "10",
           "-addext", "basicConstraints=critical,CA:TRUE")
        sign(f"{name}-verification", "/CN=" + iot.get_registration_code()["registrationCode"],
             name)
        return iot.register_ca_certificate(
            caCertificate=open(f"{work}/{name}.pem").read(),
            verificationCertificate=open(f"{work}/{name}-verification.crt").read(),
            setAsActive=True, allowAutoRegistration=True, **config)["certificateId"]

    def sign(name, subject, ca):
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
           f"{name}.csr", "-subj", subject)
        sh("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey",
           f"{ca}.key", "-CAcreateserial", "-out", f"{name}.crt", "-days", "5")

    def first_connect(device):
        started = time.monotonic()
        subprocess.run(["mosquitto_pub", "-h", ready["mqtt_host"], "-p", str(ready["mqtt_port"]),
                        "--cafile", ready["server_ca_file"], "--cert", f"{device}.crt", "--key",
                        f"{device}.key", "-i", device, "-t", "ji/tp", "-m", "hello"],
                       cwd=work, capture_output=True)
        return started, time.monotonic()

    iot.create_policy(policyName=POLICY,
                      policyDocument=open(os.path.join(FIXTURES, "device_policy.json")).read())
    iot.create_thing_group(thingGroupName="bulk-group")
    register_ca("jitp-ca", registrationConfig={
        "templateBody": workshop_template(),
        "roleArn": "arn:aws:iam::123456789012:role/JITPRole"})
    register_ca("jitr-ca")

    jitr_drops, jitp_drops, jitp_things = [], [], []
    for i in range(devices):
        sign(f"jitr-{i}", f"/C=DE/CN=jitr-{i}", "jitr-ca")
        started, dropped = first_connect(f"jitr-{i}")
        jitr_drops.append(dropped - started)

        device = f"jitp-{i}"
        sign(device, f"/C=DE/CN={device}", "jitp-ca")
        started, dropped = first_connect(device)
        while True:
            try:
                iot.describe_thing(thingName=device)
                break
            except iot.exceptions.ResourceNotFoundException:
                time.sleep(0.001)
        jitp_things.append(time.monotonic() - started)
        jitp_drops.append(dropped - started)

    def row(name, samples):
        ms = sorted(1000 * s for s in samples)
        return (f"{name:44} median {statistics.median(ms):5.1f} ms   min {ms[0]:5.1f}   "
                f"max {ms[-1]:5.1f}")

    print(f"{devices} devices each, RSA-2048 device keys, mosquitto_pub per connect")
    print(row("JITR CA: first connect dropped after", jitr_drops))
    print(row("JITP CA: first connect dropped after", jitp_drops))
    print(row("JITP CA: thing found by describe-thing after", jitp_things))
    print(f"JITP / JITR first-connect ratio (medians): "
          f"{statistics.median(jitp_drops) / statistics.median(jitr_drops):.2f}x")


if __name__ == "__main__":
    main()
