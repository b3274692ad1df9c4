"""Handlers for lambda_concurrency.test.sh. Loading the module leaves a mark named after the
process (so a test sees a process loaded before any invocation); `gather` waits until `n`
invocations are inside it at the same time, or 60 s, and says which."""
import os
import time

MARKS = os.environ["MARKS"]
open(os.path.join(MARKS, "loaded-%d" % os.getpid()), "w").close()


def gather(event, context):
    room = event["room"]
    open(os.path.join(room, context.aws_request_id), "w").close()
    deadline = time.time() + 60
    while len(os.listdir(room)) < event["n"] and time.time() < deadline:
        time.sleep(0.02)
    together = len(os.listdir(room)) >= event["n"]
    print("together" if together else "alone", os.getpid())
    return {"together": together, "pid": os.getpid(), "code": os.environ.get("CODE", "first")}
