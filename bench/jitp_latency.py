#!/usr/bin/env python3
"""Latency of just-in-time provisioning: from a device's first mosquitto_pub (dropped by the
broker) until describe-thing finds the thing its CA's template created, with the workshop's
template and device policy (fixtures/jitp/). The same run times first connects under a
plain JITR CA (registration only, no template), so the ratio shows what provisioning adds.

Usage: bench/jitp_latency.py [EMULATOR_BINARY] [--devices N]   (default build/iot-emulator, 20)
Needs what the test suite needs (openssl, mosquitto_pub, boto3)."""
import os
import statistics
import subprocess
import time

import boto3

from onboarding import ROOT, Pki, arguments, running_emulator

FIXTURES = os.path.join(ROOT, "fixtures", "jitp")
POLICY = "jitp-device-policy"


def main():
    args = arguments(default_devices=20)
    with running_emulator(args.binary, "iotemu-jitp-latency.") as (work, ready):
        run(work, ready, args.devices)


def workshop_template():
    """TB as the workshop's shell line sets it, then as the JSON its update-ca-certificate sends."""
    tb = subprocess.run(["bash", "-c", f'IOT_POLICY={POLICY}; source "$1"; printf %s "$TB"', "-",
                         os.path.join(FIXTURES, "workshop_template.sh")],
                        check=True, capture_output=True, text=True).stdout
    return tb.replace('\\"', '"')


def run(work, ready, devices):
    iot = boto3.client("iot", endpoint_url=ready["api_endpoint"])
    pki = Pki(work)

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
    pki.register_ca(iot, "jitp-ca", registrationConfig={
        "templateBody": workshop_template(),
        "roleArn": "arn:aws:iam::123456789012:role/JITPRole"})
    pki.register_ca(iot, "jitr-ca")

    jitr_drops, jitp_drops, jitp_things = [], [], []
    for i in range(devices):
        pki.sign(f"jitr-{i}", f"/C=DE/CN=jitr-{i}", "jitr-ca")
        started, dropped = first_connect(f"jitr-{i}")
        jitr_drops.append(dropped - started)

        device = f"jitp-{i}"
        pki.sign(device, f"/C=DE/CN={device}", "jitp-ca")
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
