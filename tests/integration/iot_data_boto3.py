"""boto3's iot-data client against the emulator's API port: Publish with every MQTT 5 member,
GetRetainedMessage, the ListRetainedMessages paginator, and typed errors. Usage: iot_data_boto3.py API"""
import base64
import json
import sys

import boto3
import botocore.exceptions

data = boto3.client("iot-data", endpoint_url=sys.argv[1], region_name="us-east-1",
                    aws_access_key_id="test", aws_secret_access_key="test")

data.publish(topic="sensors/boto3", qos=1, payload=b"from boto3")

data.publish(topic="boto3/retained", qos=1, retain=True, payload=b"\x00\x01binary",
             userProperties=json.dumps([{"k": "v"}]), payloadFormatIndicator="UNSPECIFIED_BYTES",
             contentType="application/octet-stream", responseTopic="boto3/reply",
             correlationData=base64.b64encode(b"req-1").decode(), messageExpiry=3600)
message = data.get_retained_message(topic="boto3/retained")
assert message["topic"] == "boto3/retained", message
assert message["payload"] == b"\x00\x01binary", message["payload"]
assert message["qos"] == 1, message
assert isinstance(message["lastModifiedTime"], int), message
# botocore JSON-encodes the string the model asks for once more; its content is what counts.
assert json.loads(message["userProperties"]) == [{"k": "v"}], message["userProperties"]

for topic in ["b", "a", "c/1", "c", "d"]:
    data.publish(topic=f"list/{topic}", retain=True, payload=topic.encode())
paginator = data.get_paginator("list_retained_messages")
pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
topics = [t["topic"] for page in pages for t in page["retainedTopics"]]
assert topics == ["boto3/retained", "lamp/state", "list/a", "list/b", "list/c", "list/c/1",
                  "list/d"], topics
assert [len(page["retainedTopics"]) for page in pages] == [2, 2, 2, 1], pages
data.publish(topic="boto3/retained", retain=True)  # deleted again: the CLI lists the rest

try:
    data.get_retained_message(topic="boto3/none")
    raise AssertionError("GetRetainedMessage of a missing topic succeeded")
except data.exceptions.ResourceNotFoundException as error:
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404

def expect_error(code, status, **publish):
    try:
        data.publish(**publish)
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == code, (publish, error.response)
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status, error.response
        return
    raise AssertionError(f"Publish {publish} succeeded")


expect_error("InvalidRequestException", 400, topic="bad/+", payload=b"x")
expect_error("InvalidRequestException", 400, topic="bad/#", payload=b"x")
expect_error("InvalidRequestException", 400, topic="t", qos=2, payload=b"x")
expect_error("InvalidRequestException", 400, topic="t", payloadFormatIndicator="TEXT")
expect_error("InvalidRequestException", 400, topic="t", responseTopic="r/+")
expect_error("InvalidRequestException", 400, topic="t", correlationData="not base64!")
expect_error("ForbiddenException", 403, topic="$aws/events/x", payload=b"x")
expect_error("RequestEntityTooLargeException", 413, topic="t", payload=b"x" * (128 * 1024 + 1))
try:
    data.list_retained_messages(maxResults=500)
    raise AssertionError("maxResults 500 was accepted")
except data.exceptions.InvalidRequestException:
    pass
print("boto3 iot-data checks passed")
