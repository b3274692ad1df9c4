"""Handlers that misbehave, for the error paths: one raises, one never returns, one answers
too much."""
import time


def throws(event, context):
    raise ValueError("refusing " + str(event.get("device", "?")))


def hangs(event, context):
    print("hanging; the function's timeout must end this")
    time.sleep(3600)


def floods(event, context):
    """Answers more than Lambda's 6 MB response limit."""
    return "x" * (7 * 1024 * 1024)
