"""Fixtures and hooks for Kindred's browser suite.

One fresh `kindred serve` (temporary SQLite, free loopback port), one tiny neutral site
(the Quick exit target) and one real SMTP server (aiosmtpd, where Kindred's email lands) per
run; headless Chromium sessions, one per person, each with its own cookie jar: Alex on a
wide desktop in the light scheme, Bea on a true 390 px phone (Chrome's mobile emulation) in
the dark one. Every Kindred page a person lands on is checked with axe-core, for horizontal
overflow and, on the phone, for Quick exit staying on screen (support.py);
test_zz_page_checks.py asserts the findings after every journey. On a failure, a screenshot
and the HTML of every window of every open browser, and the server log, go to e2e/artifacts/.
"""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium.common.exceptions import WebDriverException

from support import (
    FINDINGS,
    OPEN_DRIVERS,
    PHONE_WIDTH,
    REPO,
    NeutralHandler,
    Person,
    Server,
    format_violation,
    free_port,
    make_driver,
    page_pattern,
    save_artifacts,
)


@pytest.fixture(scope="session")
def neutral_site():
    """A local stand-in for a weather page: tests have no internet."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), NeutralHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/weather"
    server.shutdown()
    server.server_close()


class Mailbox:
    """What Kindred's email delivered to the test SMTP server: (sender, recipients, message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for _, rcpt, m in self.messages if address.lower() in (r.lower() for r in rcpt)]

    def wait_for(self, address: str, count: int = 1, seconds: float = 20) -> list[email.message.EmailMessage]:
        """At least `count` messages to this address, waiting up to `seconds` for them."""
        deadline = time.monotonic() + seconds
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.to(address)


@pytest.fixture(scope="session")
def mailbox():
    """A real SMTP server on loopback (aiosmtpd), so Kindred can send email in the suite."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def kindred(neutral_site, mailbox, tmp_path_factory):
    """A fresh `kindred serve` on a temporary SQLite data folder and a free loopback port,
    sending email to the test SMTP server."""
    binary = Path(os.environ.get("KINDRED_BIN", ".build/debug/kindred"))
    if not binary.is_absolute():
        binary = REPO / binary
    if not os.access(binary, os.X_OK):
        pytest.exit(f"No kindred binary at {binary}: run swift build --product kindred, or set KINDRED_BIN.", 2)

    data_dir = tmp_path_factory.mktemp("kindred-data")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINDRED_") and k != "DATABASE_URL"}
    env.update(
        KINDRED_HOST="127.0.0.1",
        KINDRED_PORT=str(port),
        # Every journey signs people up from 127.0.0.1: lift the registration limits.
        KINDRED_REGISTRATIONS_PER_CLIENT="1000000", KINDRED_REGISTRATIONS_TOTAL="1000000",
        KINDRED_DATA_DIR=str(data_dir),
        KINDRED_QUICK_EXIT_URL=neutral_site,
        KINDRED_SMTP_URL=f"smtp+insecure://127.0.0.1:{mailbox.port}",
        KINDRED_MAIL_FROM="Kindred <kindred@example.org>",
        # The most detailed level Kindred allows: the last check reads the log for anything private.
        KINDRED_LOG_LEVEL="debug",
    )
    log_path = data_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "serve"], cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path, neutral_site,
                    binary=binary, env=env, data_dir=data_dir)
    server.mailbox = mailbox
    Server.current = server
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        Server.current = None


def _wait_until_healthy(server: Server, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if server.process.poll() is not None:
            pytest.exit(f"kindred serve exited with status {server.process.returncode}:\n{server.log_tail()}", 2)
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.exit(f"kindred serve did not answer GET /healthz within {seconds:.0f} s:\n{server.log_tail()}", 2)
        time.sleep(0.1)


@pytest.fixture(scope="session")
def browsers(kindred):
    """Opens a person in a browser of their own; every browser is quit at the end."""

    def open_person(label: str, *, javascript: bool = True, dark: bool = False, size=(1280, 900),
                    phone: bool = False) -> Person:
        driver = make_driver(javascript=javascript, dark=dark, size=size, phone=phone)
        OPEN_DRIVERS.append((label, driver))
        return Person(label, driver, kindred, checks=javascript, phone=phone)

    yield open_person

    for _, driver in OPEN_DRIVERS:
        try:
            driver.quit()
        except WebDriverException:
            pass
    OPEN_DRIVERS.clear()


@pytest.fixture(scope="session")
def alex(browsers) -> Person:
    """Person A: a wide desktop window with a mouse, in the light colour scheme."""
    return browsers("alex")


@pytest.fixture(scope="session")
def bea(browsers) -> Person:
    """Person B: a true phone (390 x 844 CSS pixels, pixel ratio 2, touch, a mobile user
    agent) in the dark colour scheme, so both layouts and both palettes go through axe-core."""
    return browsers("bea", dark=True, phone=True)


# --------------------------------------------------------------------------------------
# Ordering, failure artifacts and the closing summary.


def pytest_configure(config):
    config.addinivalue_line("markers", "after_journeys: runs after every other test")


# The journeys' modules in the order they build on each other (the same people throughout);
# a module not listed runs after these, and the page checks' verdict after everything.
MODULE_ORDER = ["test_journeys", "test_measure", "test_practise", "test_quick_exit", "test_safety", "test_daily_return", "test_rituals",
                "test_repair_and_desires", "test_professional"]


def pytest_collection_modifyitems(session, config, items):
    """Modules in MODULE_ORDER; the page checks' verdict needs every journey's pages, so those
    tests run last. Within a module the tests keep their order (the sort is stable)."""

    def rank(item) -> tuple[int, int]:
        module = item.module.__name__.rsplit(".", 1)[-1]
        place = MODULE_ORDER.index(module) if module in MODULE_ORDER else len(MODULE_ORDER)
        return (1 if item.get_closest_marker("after_journeys") else 0, place)

    items.sort(key=rank)


SAVED_ARTIFACTS: list[str] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        saved = save_artifacts(item.name)
        if saved:
            report.sections.append(("e2e artifacts (screenshots, page HTML, server log)", "\n".join(saved)))
            SAVED_ARTIFACTS.append(f"{item.nodeid}:\n  " + "\n  ".join(saved))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tr = terminalreporter
    if FINDINGS.pages:
        distinct = sorted({page_pattern(p.url) for p in FINDINGS.pages})
        tr.write_sep(
            "-",
            f"axe-core {FINDINGS.axe_version}: {len(FINDINGS.pages)} page views checked, "
            f"{len(distinct)} distinct addresses",
        )
        tr.write_line("  " + "  ".join(distinct))
        minor: dict[str, tuple[dict, set]] = {}
        for page in FINDINGS.pages:
            for v in page.minor:
                minor.setdefault(v["id"], (v, set()))[1].add(page_pattern(page.url))
        phone = [p for p in FINDINGS.pages if p.phone]
        tr.write_line(
            f"  layout: {len(phone)} page views on the {PHONE_WIDTH} px phone "
            f"({len({page_pattern(p.url) for p in phone})} distinct addresses), {len(FINDINGS.pages) - len(phone)} on the desktop: "
            f"{sum(1 for p in FINDINGS.pages if p.overflow)} wider than the viewport, "
            f"{sum(1 for p in FINDINGS.pages if p.exit_problem)} with Quick exit out of reach after scrolling, "
            f"{sum(1 for p in FINDINGS.pages if p.operator_notes)} with notes meant for operators"
        )
        for rule, (v, where) in sorted(minor.items()):
            tr.write_line("  (moderate/minor, not failing) " + format_violation(v, sorted(where)).splitlines()[0]
                          + f" on {', '.join(sorted(where))}")
    if SAVED_ARTIFACTS:
        tr.write_sep("-", "failure artifacts")
        for line in SAVED_ARTIFACTS:
            tr.write_line(line)
