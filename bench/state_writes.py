#!/usr/bin/env python3
"""Control-plane writes with the state in memory and durable in --data-dir (SQLite,
docs/state.md): one boto3 client calling CreateThing in a loop, timed at three registry sizes,
then RegisterCertificateWithoutCA (a row with ~1.2 KB of PEM). For each: calls per second as the
client sees them (bounded by boto3 itself, ~2 ms a call) and the emulator's CPU per call (utime +
stime from /proc, the figure that does not depend on the client or the machine's load).

    bench/state_writes.py [BINARY] [--devices N]     N: timed calls per round (default 500)

Prints one table; compare the two modes within one run."""
import glob
import os
import time

import boto3

from onboarding import Pki, arguments, running_emulator

SIZES = (0, 2000, 10000)  # things already in the registry when a round starts


def emulator_pid(work):
    """The emulator started for `work` (its command line names the ready file there)."""
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            if f"{work}/ready.json".encode() in open(cmdline, "rb").read():
                return int(cmdline.split("/")[2])
        except OSError:
            continue
    raise SystemExit("the emulator's process was not found")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(pid, calls, make_call):
    """(calls per second, emulator CPU µs per call) over `calls` calls."""
    cpu, started = cpu_seconds(pid), time.perf_counter()
    for i in range(calls):
        make_call(i)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    return calls / elapsed, cpu / calls * 1e6


def measure(binary, calls, extra):
    rows = []
    with running_emulator(binary, "iotemu-bench-state-", extra) as (work, ready):
        pid = emulator_pid(work)
        iot = boto3.client("iot", endpoint_url=ready["api_endpoint"])
        created = 0
        for size in SIZES:
            while created < size:  # grow the registry, untimed
                iot.create_thing(thingName=f"filler-{created}")
                created += 1
            rows.append((f"CreateThing with {size} things in the registry",
                         timed(pid, calls, lambda i: iot.create_thing(thingName=f"t{size}-{i}"))))
            created += calls
        pki = Pki(work)
        pki.make_ca("ca", "/CN=bench-ca")
        pems = []
        for i in range(calls // 5):
            pki.sign(f"device-{i}", f"/CN=device-{i}", "ca")
            pems.append(open(f"{work}/device-{i}.crt").read())
        rows.append((f"RegisterCertificateWithoutCA ({created} things)",
                     timed(pid, len(pems), lambda i: iot.register_certificate_without_ca(
                         certificatePem=pems[i], status="ACTIVE"))))
    return rows


def main():
    args = arguments(default_devices=500)
    memory = measure(args.binary, args.devices, ["--in-memory"])
    durable = measure(args.binary, args.devices, [])
    print("| calls | in memory: calls/s, CPU µs/call | durable: calls/s, CPU µs/call |"
          " durable / in memory (CPU) |")
    print("|---|---:|---:|---:|")
    for (what, (fast, fast_cpu)), (_, (slow, slow_cpu)) in zip(memory, durable):
        print(f"| {what} | {fast:.0f}, {fast_cpu:.0f} | {slow:.0f}, {slow_cpu:.0f} |"
              f" {slow_cpu / fast_cpu:.2f}× |")


if __name__ == "__main__":
    main()
