"""Handlers that misbehave, for the error paths: one raises, one never returns."""
import time


def throws(event, context):
    raise ValueError("refusing " + str(event.get("device", "?")))


def hangs(event, context):
    print("hanging; the function's timeout must end this")
    time.sleep(3600)
