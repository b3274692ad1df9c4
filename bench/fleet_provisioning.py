#!/usr/bin/env python3
"""Devices per second provisioned by claim: each device is CreateKeysAndCertificate followed by
RegisterThing over MQTT (the sample template of fixtures/fleet/), one device after
another on each claim connection, with 1 and then 4 claim connections at once; and the same with
CreateCertificateFromCsr. With CreateKeysAndCertificate each device costs the emulator an
RSA-2048 key, so that rate is bounded by key generation on the worker pool; the CSR rate shows
the rest (signing, the token, the template, the registry, MQTT).

Usage: bench/fleet_provisioning.py [EMULATOR_BINARY] [--devices N]   (default 40 per run)
Needs what the test suite needs (boto3, Debian's python3-paho-mqtt)."""
import json
import os
import queue
import subprocess
import threading
import time

import boto3
import paho.mqtt.client as mqtt

from onboarding import ROOT, arguments, running_emulator

FIXTURES = os.path.join(ROOT, "fixtures", "fleet")
CREATE = "$aws/certificates/create/json"
CREATE_FROM_CSR = "$aws/certificates/create-from-csr/json"
PROVISION = "$aws/provisioning-templates/FleetTemplate/provision/json"


def claim_client(ready, work, client_id):
    replies = queue.Queue()
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
    client.tls_set(ca_certs=ready["server_ca_file"], certfile=f"{work}/claim.crt",
                   keyfile=f"{work}/claim.key")
    subscribed = queue.Queue()
    client.on_message = lambda c, u, m: replies.put((m.topic, json.loads(m.payload)))
    client.on_subscribe = lambda c, u, mid, granted: subscribed.put(mid)
    client.connect(ready["mqtt_host"], ready["mqtt_port"])
    client.loop_start()
    for topic in (CREATE, CREATE_FROM_CSR, PROVISION):
        client.subscribe(topic + "/+", qos=1)
        subscribed.get(timeout=30)
    return client, replies


def provision(client, replies, serial, csr):
    if csr:
        client.publish(CREATE_FROM_CSR, json.dumps({"certificateSigningRequest": csr}), qos=1)
    else:
        client.publish(CREATE, "{}", qos=1)
    topic, keys = replies.get(timeout=30)
    assert topic.endswith("/accepted"), keys
    client.publish(PROVISION, json.dumps({
        "certificateOwnershipToken": keys["certificateOwnershipToken"],
        "parameters": {"SerialNumber": serial}}), qos=1)
    topic, registered = replies.get(timeout=30)
    assert topic.endswith("/accepted"), registered


def run(ready, work, connections, devices, csr=None):
    clients = [claim_client(ready, work, f"claim-{connections}-{i}") for i in range(connections)]
    per_client = devices // connections

    def worker(index):
        client, replies = clients[index]
        for n in range(per_client):
            provision(client, replies, f"{connections}-{index}-{n}{'-csr' if csr else ''}", csr)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for client, _ in clients:
        client.disconnect()
        client.loop_stop()
    total = per_client * connections
    how = "CreateCertificateFromCsr" if csr else "CreateKeysAndCertificate"
    print(f"{how}, {connections} claim connection(s): {total} devices in {elapsed:.2f} s = "
          f"{total / elapsed:.1f} devices/s")


def main():
    args = arguments(default_devices=40)
    with running_emulator(args.binary, "iotemu-fleet-bench.") as (work, ready):
        iot = boto3.client("iot", endpoint_url=ready["api_endpoint"])
        claim = iot.create_keys_and_certificate(setAsActive=True)
        open(f"{work}/claim.crt", "w").write(claim["certificatePem"])
        open(f"{work}/claim.key", "w").write(claim["keyPair"]["PrivateKey"])
        iot.create_policy(policyName="claim",
                          policyDocument=open(f"{FIXTURES}/claim-policy.json").read())
        iot.attach_policy(policyName="claim", target=claim["certificateArn"])
        iot.create_provisioning_template(
            templateName="FleetTemplate", enabled=True,
            templateBody=open(f"{FIXTURES}/template.json").read(),
            provisioningRoleArn="arn:aws:iam::123456789012:role/FleetProvisioningRole")
        # The same CSR each time: every request still gets a new certificate (§1.2).
        subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "csr.key",
                        "-out", "csr.pem", "-subj", "/CN=bench"], cwd=work, check=True,
                       capture_output=True)
        csr = open(f"{work}/csr.pem").read()
        for connections in (1, 4):
            run(ready, work, connections, args.devices)
            run(ready, work, connections, args.devices, csr)


if __name__ == "__main__":
    main()
