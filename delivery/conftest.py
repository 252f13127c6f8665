"""Fixtures for the delivery suite: a real SMTP server (aiosmtpd), a local push service that
plays the browsers too (scripts/harness/push_service.py), and one `kindred serve` wired to both,
with a scheduler that looks every second."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts" / "harness"))

from push_service import PushService  # noqa: E402
from smtp_sink import Sink  # noqa: E402

PASSWORD = "a long and lovely passphrase"
SIGNUP_SUBJECT = "Finish creating your Kindred account"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """What the SMTP server received, read back as parsed messages."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[email.message.EmailMessage]:
        files = sorted(self.folder.glob("*.eml"), key=lambda p: int(p.stem))
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]

    def to(self, address: str, signups: bool = False) -> list[email.message.EmailMessage]:
        """Messages to `address`; the sign-up link each person opened to begin only if asked."""
        return [m for m in self.messages() if m["To"] and address in str(m["To"])
                and (signups or str(m["Subject"]) != SIGNUP_SUBJECT)]

    def wait_for(self, address: str, count: int, timeout: float = 20, signups: bool = False) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address, signups)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"{len(self.to(address, signups))} message(s) to {address} within {timeout:.0f} s, wanted {count}")


class Kindred:
    """The server under test, and a small JSON client for it."""

    def __init__(self, base: str, process: subprocess.Popen, log: Path, data: Path, binary: Path, env: dict, mailbox: Mailbox):
        self.base, self.process, self.log, self.data, self.binary, self.env = base, process, log, data, binary, env
        self.mailbox = mailbox

    def call(self, method: str, path: str, body=None, token: str | None = None, raw: bytes | None = None,
             content_type: str = "application/json") -> tuple[int, dict | list | str]:
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path if path.startswith("/") else path, method=method, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, _decode(response.read(), response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as error:
            return error.code, _decode(error.read(), error.headers.get("Content-Type", ""))

    def person(self, name: str, zone: str = "Europe/London") -> dict:
        mail = f"{name.lower()}-{os.urandom(4).hex()}@example.org"
        status, asked = self.call("POST", "/api/v1/accounts", {"email": mail, "password": PASSWORD, "displayName": name, "timeZone": zone})
        # This Kindred sends email, so an account starts from the link sent to its address.
        assert status == 202, asked
        [link] = self.mailbox.wait_for(mail, 1, signups=True)
        token = re.search(r"/register/confirm/([A-Za-z0-9_-]+)", link.get_body(("plain",)).get_content()).group(1)
        status, created = self.call("POST", f"/api/v1/signups/{token}")
        assert status == 201, created
        status, token = self.call("POST", "/api/v1/tokens", {"email": mail, "password": PASSWORD})
        assert status == 201, token
        return {"name": name, "email": mail, "token": token["token"], "id": created["id"]}

    def pair(self, a: str, b: str, zones=("Europe/London", "America/New_York")) -> tuple[dict, dict, str]:
        one, two = self.person(a, zones[0]), self.person(b, zones[1])
        status, bond = self.call("POST", "/api/v1/bonds", {"kind": "romantic"}, one["token"])
        assert status == 201, bond
        status, invite = self.call("POST", f"/api/v1/bonds/{bond['id']}/invites", None, one["token"])
        assert status == 201, invite
        status, accepted = self.call("POST", f"/api/v1/invites/{invite['code']}/accept", None, two["token"])
        assert status == 200, accepted
        return one, two, bond["id"]


def _decode(body: bytes, content_type: str):
    if "json" in content_type and body:
        return json.loads(body)
    return body.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def mailbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mail")
    port = free_port()
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    box = Mailbox(folder)
    box.port = port
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def push():
    with PushService() as service:
        yield service


@pytest.fixture(scope="session")
def kindred(mailbox, push, tmp_path_factory):
    binary = Path(os.environ.get("KINDRED_BIN", REPO / ".build/debug/kindred"))
    if not os.access(binary, os.X_OK):
        pytest.exit(f"No kindred binary at {binary}", 2)
    data = tmp_path_factory.mktemp("kindred-data")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINDRED_") and k != "DATABASE_URL"}
    env.update(
        # The port comes from `serve --port`, not KINDRED_PORT (8080 by default): links and the
        # start-up message must use the one the server really listens on.
        KINDRED_HOST="127.0.0.1", KINDRED_DATA_DIR=str(data),
        # Every journey signs people up from 127.0.0.1: lift the registration limits.
        KINDRED_REGISTRATIONS_PER_CLIENT="1000000", KINDRED_REGISTRATIONS_TOTAL="1000000",
        KINDRED_SMTP_URL=f"smtp+insecure://127.0.0.1:{mailbox.port}",
        KINDRED_MAIL_FROM="Kindred <hello@kindred.test>",
        KINDRED_PUSH_ALLOW_LOOPBACK="1", KINDRED_SCHEDULER_SECONDS="1",
        KINDRED_VAPID_SUBJECT="mailto:operator@kindred.test",
    )
    log = data / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(binary), "serve", "--port", str(port)], cwd=data, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Kindred(f"http://127.0.0.1:{port}", process, log, data, binary, env, mailbox)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            pytest.exit(f"kindred serve exited:\n{log.read_text(errors='replace')[-3000:]}", 2)
        try:
            with urllib.request.urlopen(server.base + "/readyz", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                pytest.exit("kindred serve did not become ready", 2)
            time.sleep(0.1)
    yield server
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and "kindred" in item.funcargs:
        server = item.funcargs["kindred"]
        report.sections.append(("server log (last lines)", server.log.read_text(errors="replace")[-4000:]))
