"""The pytest plugin (python/pytest_iot_emulator.py) as a user's suite meets it: a JITR flow with
the workshop's Python Lambda, driven through the fixtures' boto3 clients and a paho device and
explained by the event journal; the session fixture shared by two tests, then reset for a third;
a start that fails, reported with the emulator's log."""
import json
import pathlib
import subprocess
import time

import paho.mqtt.client as mqtt
import pytest

from pytest_iot_emulator import EmulatorError

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
HANDLER = FIXTURES / "handlers" / "jitr_workshop_python"


def make_certs(*args):
    subprocess.run([str(FIXTURES / "make-certs"), *map(str, args)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def until(predicate, what, within=30.0):
    deadline = time.monotonic() + within
    while not (result := predicate()):
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        time.sleep(0.05)
    return result


def session_of(emulator, client_id, certfile, keyfile):
    """Connect a paho client with the device's certificate; (client, CONNACK code), or
    (None, "dropped") when the broker ends the connection first."""
    outcome = {}
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
    client.tls_set_context(emulator.ssl_context(certfile, keyfile))
    client.on_connect = lambda c, userdata, flags, rc: outcome.setdefault("connack", rc)
    client.on_disconnect = lambda c, userdata, rc: outcome.setdefault("dropped", rc)
    try:
        client.connect(emulator.mqtt_host, emulator.mqtt_port, keepalive=30)
        client.loop_start()
    except OSError:  # reset or TLS alert during the handshake
        return None, "dropped"
    until(lambda: outcome, "a CONNACK or the connection's end")
    if "connack" in outcome and "dropped" not in outcome:
        return client, outcome["connack"]
    client.loop_stop()
    return None, "dropped"


def test_jitr_with_the_workshop_lambda(iot_emulator_factory, tmp_path):
    emulator = iot_emulator_factory(
        "--function", f"jitr=python3.12:lambda_function.lambda_handler:{HANDLER}")
    iot = emulator.client("iot")

    make_certs("ca", tmp_path)
    make_certs("verification", tmp_path, iot.get_registration_code()["registrationCode"])
    ca = iot.register_ca_certificate(
        caCertificate=(tmp_path / "ca.pem").read_text(),
        verificationCertificate=(tmp_path / "verification.crt").read_text(),
        setAsActive=True, allowAutoRegistration=True)
    rule = json.loads((FIXTURES / "rules" / "jitr-rule.json").read_text())
    iot.create_topic_rule(ruleName="jitr", topicRulePayload=rule)

    make_certs("device", tmp_path, "sensor-1")
    chain, key = tmp_path / "sensor-1-chain.crt", tmp_path / "sensor-1.key"
    _, first = session_of(emulator, "sensor-1", chain, key)
    assert first == "dropped", "JITR: the first connect of an unknown certificate is dropped"

    registered = iot.list_certificates_by_ca(caCertificateId=ca["certificateId"])["certificates"]
    assert len(registered) == 1
    certificate_id = registered[0]["certificateId"]
    certificate_arn = registered[0]["certificateArn"]
    # The handler's last step: the policy attached to the certificate.
    until(lambda: iot.list_attached_policies(target=certificate_arn)["policies"],
          "the Lambda provisioning the device")
    assert iot.describe_certificate(certificateId=certificate_id)[
        "certificateDescription"]["status"] == "ACTIVE"
    assert iot.list_thing_principals(thingName="sensor-1")["principals"] == [certificate_arn]
    assert "provisioned sensor-1" in emulator.log(), "the handler's print reaches the log"
    # The journal tells why, without reading the log.
    refused = emulator.wait_for("connect.refused", lambda e: e["certificateId"] == certificate_id)
    assert refused["reason"].startswith("certificate PENDING_ACTIVATION"), refused
    invoked = emulator.wait_for("lambda.invoked", lambda e: e["functionName"] == "jitr")
    assert invoked["result"] == "success", invoked
    assert any("provisioned sensor-1" in line for line in invoked["logLines"]), invoked

    client, connack = session_of(emulator, "sensor-1", chain, key)
    assert connack == 0, f"the second connect is accepted, CONNACK {connack}"
    published = client.publish("dt/sensor-1/temperature", b'{"celsius": 21.5}', qos=1)
    published.wait_for_publish(timeout=10)
    assert published.is_published(), "PUBACK for the device's first message"
    client.disconnect()
    client.loop_stop()


def test_session_emulator_is_shared(iot_emulator_session):
    iot = iot_emulator_session.client("iot")
    iot.create_thing(thingName="shared")
    assert "shared" in [t["thingName"] for t in iot.list_things()["things"]]


def test_session_emulator_keeps_state_between_tests(iot_emulator_session):
    things = iot_emulator_session.client("iot").list_things()["things"]
    assert "shared" in [t["thingName"] for t in things]


def test_reset_gives_a_clean_slate_without_a_new_process(iot_emulator_reset):
    iot = iot_emulator_reset.client("iot")
    assert iot.list_things()["things"] == [], "the session's things are gone"
    iot.create_thing(thingName="before-reset")
    iot_emulator_reset.reset()
    assert iot.list_things()["things"] == []
    assert iot_emulator_reset.wait_for("emulator.reset", after=0)["kind"] == "emulator.reset"


def test_each_test_gets_a_clean_slate(iot_emulator):
    assert iot_emulator.client("iot").list_things()["things"] == []
    assert iot_emulator.client("sts").get_caller_identity()["Account"] == iot_emulator.account_id


def test_a_failed_start_is_reported_with_the_log(iot_emulator_factory):
    with pytest.raises(EmulatorError, match="exited with status .* before it was ready"):
        iot_emulator_factory("--region", "not a region!")
