"""Handlers that try to outgrow the emulator, for bounds_lambda.test.sh: one prints 100 MB, one
floods its answer, and two leave a child process behind (one hanging past its timeout, one
returning at once)."""
import os
import subprocess
import sys
import time


def prints(event, context):
    chunk = "y" * 1023 + "\n"
    for _ in range(100 * 1024):
        sys.stdout.write(chunk)
    sys.stdout.write("z" * (10 * 1024 * 1024))  # and one 10 MB line
    sys.stdout.flush()
    return {"printed": True}


def answers_forever(event, context):
    """Writes an endless answer line straight to the runtime's answer pipe (fd 4)."""
    block = b"a" * (1 << 20)
    while True:
        os.write(4, block)


def _child(event):
    child = subprocess.Popen(["sleep", "600"])
    with open(event["pidfile"], "w") as f:
        f.write(str(child.pid))


def forks_and_hangs(event, context):
    _child(event)
    time.sleep(3600)


def forks_and_returns(event, context):
    _child(event)
    return {"forked": True}
