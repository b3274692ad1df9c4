"""pytest fixtures that run iot-emulator for a test: the real binary on ephemeral ports, its data
in the test's temporary folder, stopped (and its log attached to a failure) when the test ends.

    def test_onboarding(iot_emulator):
        iot = iot_emulator.client("iot")               # boto3, endpoint and credentials set
        code = iot.get_registration_code()["registrationCode"]
        ...
        context = iot_emulator.ssl_context("device.crt", "device.key")   # for paho, ssl, ...
        refused = iot_emulator.wait_for("connect.refused")             # the event journal
        assert refused["reason"].startswith("CA ")

Fixtures:
  iot_emulator           a fresh emulator for each test (a clean slate, milliseconds to start)
  iot_emulator_session   one emulator shared by every test of the session
  iot_emulator_reset     the session's emulator, reset before the test (docs/harness.md): a
                         clean slate without a new process
  iot_emulator_factory   start(*flags) -> Emulator, for tests that need flags of their own
                         (e.g. "--function", "jitr=python3.12:handler.lambda_handler:./lambda")

The binary: pytest's --iot-emulator-bin option, else $IOTEMU_BIN, else `iot-emulator` on PATH,
else the one installed beside this file (`cmake --install` puts it in
<prefix>/share/iot-emulator/python/, the binary in <prefix>/bin/).
Use it with `pytest -p pytest_iot_emulator` (this folder on PYTHONPATH), or `pip install` this
folder, whose entry point loads it by itself."""
import json
import math
import os
import shutil
import signal
import ssl
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

READY_TIMEOUT = 30  # seconds; a loaded CI machine, the first start makes the server CA
STOP_TIMEOUT = 10
# Credentials the emulator accepts (it checks the signature's shape, not the secret).
CREDENTIALS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
               "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


class EmulatorError(RuntimeError):
    """The emulator did not start, or did not stop cleanly; the message ends with its log."""


class Emulator:
    """One running iot-emulator and what a test needs to reach it."""

    def __init__(self, binary, work_dir, flags=()):
        self.work_dir = str(work_dir)
        self.data_dir = os.path.join(self.work_dir, "data")
        self.log_file = os.path.join(self.work_dir, "emulator.log")
        ready_file = os.path.join(self.work_dir, "ready.json")
        os.makedirs(self.work_dir, exist_ok=True)
        command = [binary, "--api-port", "0", "--mqtt-port", "0", "--https-port", "0",
                   "--alpn-port", "off", "--data-dir", self.data_dir,
                   "--ready-file", ready_file, *flags]
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                             cwd=self.work_dir)
        deadline = time.monotonic() + READY_TIMEOUT
        while not os.path.exists(ready_file):
            if self._process.poll() is not None:
                raise EmulatorError(f"iot-emulator exited with status {self._process.returncode} "
                                    f"before it was ready\n{self.log()}")
            if time.monotonic() > deadline:
                self._process.kill()
                raise EmulatorError(f"iot-emulator not ready within {READY_TIMEOUT} s\n{self.log()}")
            time.sleep(0.02)
        with open(ready_file) as f:  # written whole, by rename
            ready = json.load(f)
        self.api_endpoint = ready["api_endpoint"]      # iot, iot-data, lambda, iam, sts, acm-pca
        self.mqtt_host = ready["mqtt_host"]
        self.mqtt_port = ready["mqtt_port"]            # MQTT 3.1.1 and 5 over mutual TLS
        self.https_port = ready["https_port"]          # HTTPS data plane, MQTT over wss /mqtt
        self.https_endpoint = ready["https_endpoint"]
        self.alpn_port = ready.get("alpn_port")        # with flags "--alpn-port", "0"
        self.server_ca_file = ready["server_ca_file"]  # the CA devices trust (--cafile)
        self.region = ready["region"]
        self.account_id = ready["account_id"]
        self.mark = 0  # wait_for() and events() look only after this journal position (reset)

    @property
    def server_ca(self):
        """The server CA's PEM."""
        with open(self.server_ca_file) as f:
            return f.read()

    def client(self, service, **options):
        """A boto3 client of `service` ("iot", "iot-data", "lambda", "iam", "sts", "acm-pca")
        talking to this emulator."""
        import boto3  # only tests that ask for a client need boto3
        settings = {"endpoint_url": self.api_endpoint, "region_name": self.region, **CREDENTIALS}
        settings.update(options)
        return boto3.client(service, **settings)

    def ssl_context(self, certfile=None, keyfile=None):
        """A TLS client context that trusts the emulator's server CA, with the device's
        certificate (or chain) and key when given: for paho's tls_set_context, ssl, http.client."""
        context = ssl.create_default_context(cafile=self.server_ca_file)
        context.check_hostname = False  # the server certificate names the endpoint host
        if certfile:
            context.load_cert_chain(certfile, keyfile)
        return context

    # ---- the harness endpoints (docs/harness.md) ------------------------------------------------

    def harness(self, path, method="GET", **query):
        """The JSON answer of /_emulator/<path>."""
        url = f"{self.api_endpoint}/_emulator/{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=60) as r:
            return json.load(r)

    def reset(self):
        """Every CA, certificate, thing, policy, rule, function, retained message, shadow and
        session gone; the server CA kept. Events from before are no longer waited for."""
        self.mark = self.harness("reset", method="POST")["cursor"]

    def cursor(self):
        """The journal's position now: pass it as `after` to see only what happens next."""
        return self.harness("journal/cursor")["cursor"]

    def events(self, kind="", after=None):
        """The journal's events of `kind` (a prefix: "connect." is every connect event) after
        `after` (default: since this emulator started or was last reset)."""
        answer = self.harness("journal", after=self.mark if after is None else after, kind=kind)
        return answer["events"]

    def wait_for(self, kind, predicate=lambda event: True, after=None, timeout=30.0):
        """The first event of `kind` after `after` for which `predicate` holds, waiting for it up
        to `timeout` seconds (long-polls the journal; no sleeping)."""
        after = self.mark if after is None else after
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            answer = self.harness("journal", after=after, kind=kind,
                                  wait=min(30, max(1, math.ceil(left))))
            for event in answer["events"]:
                if predicate(event):
                    return event
            after = answer["cursor"]
            if time.monotonic() >= deadline:
                raise AssertionError(f"no {kind or 'event'} event as expected within {timeout} s; "
                                     f"the journal since: {self.events(after=self.mark)}")

    def log(self):
        """Everything the emulator has logged so far."""
        with open(self.log_file, errors="replace") as f:
            return f.read()

    @property
    def running(self):
        return self._process.poll() is None

    def stop(self):
        """SIGTERM, as a user's Ctrl-C; raises when the emulator does not exit cleanly."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
                raise EmulatorError(f"iot-emulator did not stop within {STOP_TIMEOUT} s of "
                                    f"SIGTERM\n{self.log()}")
        if self._process.returncode != 0:
            raise EmulatorError(f"iot-emulator exited with status {self._process.returncode}"
                                f"\n{self.log()}")


def pytest_addoption(parser):
    parser.addoption("--iot-emulator-bin", default=None,
                     help="the iot-emulator binary (default: $IOTEMU_BIN, else PATH, else "
                          "the install this plugin belongs to)")


def _binary(config):
    installed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bin",
                             "iot-emulator")
    binary = (config.getoption("--iot-emulator-bin") or os.environ.get("IOTEMU_BIN")
              or shutil.which("iot-emulator")
              or (installed if os.access(installed, os.X_OK) else None))
    if not binary:
        raise pytest.UsageError("iot-emulator not found: pass --iot-emulator-bin, set IOTEMU_BIN, "
                                "or put it on PATH")
    return binary


class _Started:
    """The emulators one fixture started, stopped together; a failed test shows their logs."""

    def __init__(self, config, folder):
        self._binary, self._folder, self.emulators = _binary(config), folder, []

    def start(self, *flags):
        emulator = Emulator(self._binary, self._folder / f"emulator-{len(self.emulators)}", flags)
        self.emulators.append(emulator)
        return emulator

    def stop_all(self):
        errors = []
        for emulator in self.emulators:
            try:
                emulator.stop()
            except EmulatorError as error:
                errors.append(str(error))
        if errors:
            pytest.fail("\n".join(errors), pytrace=False)


@pytest.fixture
def iot_emulator_factory(request, tmp_path):
    started = _Started(request.config, tmp_path)
    yield started.start
    for emulator in started.emulators:
        request.node.add_report_section("teardown", f"iot-emulator log ({emulator.work_dir})",
                                        emulator.log())
    started.stop_all()


@pytest.fixture
def iot_emulator(iot_emulator_factory):
    return iot_emulator_factory()


@pytest.fixture(scope="session")
def iot_emulator_session(request, tmp_path_factory):
    started = _Started(request.config, tmp_path_factory.mktemp("iot-emulator"))
    yield started.start()
    started.stop_all()


@pytest.fixture
def iot_emulator_reset(iot_emulator_session):
    iot_emulator_session.reset()
    return iot_emulator_session
