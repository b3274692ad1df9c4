#!/usr/bin/env bash
# boto3 against the emulator: paginators over marker- and token-paged lists, typed error codes,
# and datetime parsing of the epoch-second timestamps.
source "$(dirname "$0")/lib.sh"
start_emulator
python3 "$(dirname "$0")/boto3_sdk.py" "$API" || fail "boto3 checks failed"
pass
