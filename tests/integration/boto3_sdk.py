"""boto3 checks run by boto3_sdk.test.sh: what an SDK user's integration test would do."""
import datetime
import sys

import boto3
from botocore.exceptions import ClientError

iot = boto3.client("iot", endpoint_url=sys.argv[1], region_name="us-east-1")

# Marker-paged: 7 certificates through pages of 3, in creation order.
created = [iot.create_keys_and_certificate(setAsActive=False)["certificateId"] for _ in range(7)]
pages = list(iot.get_paginator("list_certificates").paginate(PaginationConfig={"PageSize": 3}))
assert [len(p["certificates"]) for p in pages] == [3, 3, 1], [len(p["certificates"]) for p in pages]
listed = [c["certificateId"] for p in pages for c in p["certificates"]]
assert listed == created, (listed, created)
descending = [c["certificateId"] for c in iot.list_certificates(ascendingOrder=False)["certificates"]]
assert descending == created[::-1]

# Token-paged: 12 things through pages of 5.
for i in range(12):
    iot.create_thing(thingName=f"thing-{i:02d}")
pages = list(iot.get_paginator("list_things").paginate(PaginationConfig={"PageSize": 5}))
assert [len(p["things"]) for p in pages] == [5, 5, 2]
assert sorted(t["thingName"] for p in pages for t in p["things"]) == [f"thing-{i:02d}" for i in range(12)]

# Timestamps parse as datetimes close to now.
description = iot.describe_certificate(certificateId=created[0])["certificateDescription"]
age = datetime.datetime.now(datetime.timezone.utc) - description["creationDate"]
assert abs(age.total_seconds()) < 600, age

# Errors arrive as typed exceptions with AWS's codes.
try:
    iot.describe_thing(thingName="missing")
    raise AssertionError("describe_thing of a missing thing succeeded")
except iot.exceptions.ResourceNotFoundException as error:
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404
try:
    iot.update_certificate(certificateId=created[0], newStatus="PENDING_ACTIVATION")
    raise AssertionError("PENDING_ACTIVATION accepted")
except ClientError as error:
    assert error.response["Error"]["Code"] == "InvalidRequestException", error.response

# Thing groups and types through the SDK.
iot.create_thing_type(thingTypeName="lamp", thingTypeProperties={"thingTypeDescription": "a lamp"})
assert iot.describe_thing_type(thingTypeName="lamp")["thingTypeProperties"]["thingTypeDescription"] == "a lamp"
iot.create_thing(thingName="typed", thingTypeName="lamp")
assert iot.describe_thing(thingName="typed")["thingTypeName"] == "lamp"
groups = iot.create_thing_group(thingGroupName="site")
assert groups["thingGroupArn"].endswith(":thinggroup/site")
print("boto3 checks passed")
