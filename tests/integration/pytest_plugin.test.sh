#!/usr/bin/env bash
# The pytest plugin (python/pytest_iot_emulator.py) used as a user's suite uses it: pytest runs
# tests/python/, whose tests start the emulator through the plugin's fixtures and drive a JITR flow
# with boto3 and paho. The plugin starts its own emulators; this script only runs pytest.
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

# Debian's python3 has pytest, boto3 and paho (scripts/setup --test); PATH's may be another.
python=$(for candidate in python3 /usr/bin/python3; do
  "$candidate" -c 'import pytest, boto3, paho.mqtt' 2>/dev/null && { echo "$candidate"; break; }
done)
[[ -n $python ]] || fail "no python3 with pytest, boto3 and paho-mqtt (scripts/setup --test)"

cd "$WORK"
PYTHONPATH="$root/python" "$python" -m pytest -p pytest_iot_emulator -p no:cacheprovider -q \
  --basetemp "$WORK/pytest" --iot-emulator-bin "$IOTEMU_BIN" "$root/tests/python" \
  >"$WORK/pytest.txt" 2>&1 || { cat "$WORK/pytest.txt"; fail "pytest failed"; }
cat "$WORK/pytest.txt"
grep -Eq '^6 passed' "$WORK/pytest.txt" || fail "pytest did not run the plugin's 6 tests"
pass
