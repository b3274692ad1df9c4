#!/usr/bin/env bash
# MQTT 5 with real clients (docs/aws/data-plane.md §1): AWS's device SDK v2 for JavaScript (its
# MQTT 5 client from AwsIotMqtt5ClientConfigBuilder and its MQTT 3.1.1 client), MQTT.js with
# protocolVersion 5, mosquitto_pub/sub -V mqttv5 and Debian's paho-mqtt v5. Each device goes
# through JITR (first connect refused, PENDING_ACTIVATION, activated) and then, ACTIVE, connects,
# subscribes, publishes QoS 0 and 1, receives both and disconnects cleanly. MQTT 5 extras on the
# way: user properties, response topic and correlation data arrive intact (MQTT.js) and reach a
# topic rule's SQL, topic aliases both ways (the SDK's), and a publish the policy denies gets
# PUBACK 0x87 while the client stays connected (mosquitto).
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
NODE_CLIENTS=$HERE/node
[[ -d $NODE_CLIENTS/node_modules ]] || fail "no $NODE_CLIENTS/node_modules: run scripts/setup --test"
# Debian's paho lives with Debian's python3 (a python3 earlier on PATH may be another one).
PAHO_PYTHON=python3
python3 -c 'import paho.mqtt' 2>/dev/null || PAHO_PYTHON=/usr/bin/python3
start_emulator
cd "$WORK"

register_jitr_ca fleet
# Each device may use only the topics under its certificate's common name.
iot create-policy --policy-name device --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"iot:Connect","Resource":"*"},
  {"Effect":"Allow","Action":["iot:Publish","iot:Receive"],
   "Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:Certificate.Subject.CommonName}/*"},
  {"Effect":"Allow","Action":"iot:Subscribe",
   "Resource":"arn:aws:iot:us-east-1:123456789012:topicfilter/${iot:Certificate.Subject.CommonName}/*"}]}' >/dev/null
# A rule reads MQTT.js's MQTT 5 headers with IoT SQL and republishes them back to it.
iot create-topic-rule --rule-name mqtt5_headers --topic-rule-payload '{
  "sql": "SELECT get_user_properties('"'"'trace'"'"') AS trace, get_mqtt_property('"'"'content_type'"'"') AS ct, get_mqtt_property('"'"'response_topic'"'"') AS rt, get_mqtt_property('"'"'correlation_data'"'"') AS corr FROM '"'"'mqttjs5/data'"'"' WHERE get_mqtt_property('"'"'content_type'"'"') = '"'"'application/json'"'"'",
  "awsIotSqlVersion": "2016-03-23",
  "actions": [{"republish": {"topic": "mqttjs5/rule-out", "roleArn": "arn:aws:iam::123456789012:role/r"}}]}'

devices=(sdk5 sdk311 mqttjs5 mosq paho)
for device in "${devices[@]}"; do make_signed "$device" "/O=Fleet/CN=$device" fleet; done
node_config() {  # node_config FILE: the Node clients, each on its own certificate and topics
  python3 - "$1" "$MQTT_PORT" "$SERVER_CA" "$WORK" <<'EOF'
import json, sys
path, port, ca, work = sys.argv[1:]
clients = [{"kind": kind, "cert": f"{work}/{kind}.crt", "key": f"{work}/{kind}.key",
            "clientId": kind, "prefix": kind} for kind in ("sdk5", "sdk311", "mqttjs5")]
clients[2]["ruleTopic"] = "mqttjs5/rule-out"
json.dump({"host": "localhost", "port": int(port), "ca": ca, "clients": clients}, open(path, "w"))
EOF
}
node_config clients.json
paho() { "$PAHO_PYTHON" "$HERE/paho_v5_client.py" "$1" localhost "$MQTT_PORT" "$SERVER_CA" \
  paho.crt paho.key paho "${@:2}"; }
mqtt5_pub() { mqtt_pub mosq.crt mosq.key -V mqttv5 -i mosq "$@"; }

# ---- JITR: every first connect is refused and leaves its certificate PENDING_ACTIVATION -------
node "$NODE_CLIENTS/clients.js" refused clients.json >refused.out 2>&1 ||
  fail "a Node client's first connect was not refused: $(cat refused.out)"
paho refused >paho-refused.out 2>&1 || fail "paho's first connect was not refused: $(cat paho-refused.out)"
if mqtt5_pub -q 1 -t mosq/x -m first 2>mosq-refused.out; then
  fail "mosquitto's first connect was not refused"
fi
python3 - "$API" "$CA_ID" "$WORK" "${devices[@]}" <<'EOF' || fail "activating the JITR certificates failed"
import boto3, hashlib, subprocess, sys
api, ca_id, work, *devices = sys.argv[1:]
iot = boto3.client("iot", endpoint_url=api)
registered = {c["certificateId"]: c["status"]
              for c in iot.list_certificates_by_ca(caCertificateId=ca_id)["certificates"]}
for device in devices:
    der = subprocess.run(["openssl", "x509", "-in", f"{work}/{device}.crt", "-outform", "der"],
                         capture_output=True, check=True).stdout
    certificate_id = hashlib.sha256(der).hexdigest()
    status = registered.get(certificate_id)
    if status != "PENDING_ACTIVATION":
        sys.exit(f"{device}'s certificate is {status}, not PENDING_ACTIVATION")
    iot.update_certificate(certificateId=certificate_id, newStatus="ACTIVE")
    arn = iot.describe_certificate(certificateId=certificate_id)["certificateDescription"]["certificateArn"]
    iot.attach_policy(policyName="device", target=arn)
EOF

# ---- ACTIVE: whole sessions ---------------------------------------------------------------
node "$NODE_CLIENTS/clients.js" session clients.json >sessions.out 2>&1 ||
  fail "a Node client's session failed: $(cat sessions.out)"
paho session paho >paho-session.out 2>&1 || fail "paho's session failed: $(cat paho-session.out)"

start_sub mosq-sub mosq.crt mosq.key mosq-sub 'mosq/#' -V mqttv5 -q 1 -F 'MSG %t %p [%P]'
mqtt5_pub -q 0 -t mosq/data -m mosq-qos0 -D publish user-property origin mosquitto ||
  fail "mosquitto QoS 0 publish failed"
mqtt5_pub -q 1 -t mosq/data -m mosq-qos1 -D publish user-property origin mosquitto ||
  fail "mosquitto QoS 1 publish failed"
wait_for_line mosq-sub.out "MSG mosq/data mosq-qos0 [origin:mosquitto]" || fail "QoS 0 not received"
wait_for_line mosq-sub.out "MSG mosq/data mosq-qos1 [origin:mosquitto]" || fail "QoS 1 not received"

# A QoS 1 publish the policy denies: PUBACK 0x87 (135), and the client leaves on its own terms.
mqtt5_pub -d -q 1 -t elsewhere/data -m denied >denied.out 2>&1 || true
grep -q 'received PUBACK (Mid: 1, RC:135)' denied.out || fail "no PUBACK 0x87: $(cat denied.out)"
grep -q 'sending DISCONNECT' denied.out || fail "the denied client was dropped: $(cat denied.out)"
grep -q 'MSG elsewhere' mosq-sub.out && fail "a denied publish was delivered"
wait_for_count "$WORK/emulator.log" "'mosq' disconnected: CLIENT_INITIATED_DISCONNECT" 3 ||
  fail "mosquitto's connections did not all end with its own DISCONNECT"
pass
