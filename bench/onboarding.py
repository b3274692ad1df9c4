"""Shared by the onboarding benchmarks (jitr_latency.py, jitp_latency.py, storm.py): the
emulator on ephemeral ports in a temporary directory, boto3 clients for it, and the openssl steps
that make CAs and device certificates there."""
import argparse
import contextlib
import json
import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arguments(default_devices, settle=False):
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(ROOT, "build", "iot-emulator"))
    parser.add_argument("--devices", type=int, default=default_devices)
    if settle:
        parser.add_argument("--settle", type=float, default=0.0,
                            help="seconds between creating the function and the first device")
    return parser.parse_args()


@contextlib.contextmanager
def running_emulator(binary, prefix, extra=()):
    """Yields (work directory, ready-file JSON) of an emulator started for the block, with the
    `extra` flags; the JSON also holds the emulator's "pid"."""
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                      AWS_DEFAULT_REGION="us-east-1")
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        emulator = subprocess.Popen(
            [binary, "--api-port", "0", "--mqtt-port", "0", "--https-port", "0",
             "--alpn-port", "off", "--data-dir", f"{work}/data", "--ready-file",
             f"{work}/ready.json", "--log-level", "warn", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not os.path.exists(f"{work}/ready.json"):
                if emulator.poll() is not None:
                    raise SystemExit(f"{binary} exited before it was ready")
                time.sleep(0.02)
            yield work, {**json.load(open(f"{work}/ready.json")), "pid": emulator.pid}
        finally:
            emulator.terminate()
            emulator.wait()


class Pki:
    """openssl in the work directory: NAME.pem/NAME.key CAs, NAME.crt/NAME.key devices."""

    def __init__(self, work):
        self.work = work

    def sh(self, *command):
        return subprocess.run(command, check=True, cwd=self.work, capture_output=True).stdout

    def make_ca(self, name, subject):
        self.sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                f"{name}.key", "-out", f"{name}.pem", "-subj", subject, "-days", "10",
                "-addext", "basicConstraints=critical,CA:TRUE")

    def sign(self, name, subject, ca):
        self.sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", "-subj", subject)
        self.sh("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey",
                f"{ca}.key", "-CAcreateserial", "-out", f"{name}.crt", "-days", "5")

    def register_ca(self, iot, name, **config):
        """NAME registered ACTIVE with auto-registration (and `config`); returns its id."""
        self.make_ca(name, f"/CN={name}")
        self.sign(f"{name}-verification",
                  "/CN=" + iot.get_registration_code()["registrationCode"], name)
        return iot.register_ca_certificate(
            caCertificate=open(f"{self.work}/{name}.pem").read(),
            verificationCertificate=open(f"{self.work}/{name}-verification.crt").read(),
            setAsActive=True, allowAutoRegistration=True, **config)["certificateId"]
