#!/usr/bin/env python3
"""A real SMTP server that keeps every message it receives, for Kindred's integration tests.

Built on aiosmtpd (``pip install aiosmtpd``). Each accepted message is written to
``OUT/<n>.eml`` (the message bytes exactly as received after DATA, dot-unstuffed) and
described by one JSON line appended to ``OUT/messages.jsonl``::

    {"mail_from": ..., "rcpt_tos": [...], "data_size": ..., "received_at": ..., "eml": "1.eml"}

Usage::

    python smtp_sink.py --port 2525 --out /tmp/mail [--tls-cert C --tls-key K]
                        [--auth user:pass] [--ready-file F] [--host 127.0.0.1]

With ``--tls-cert``/``--tls-key`` the server offers STARTTLS and requires it before any
other command, AUTH included. With ``--auth`` the client must authenticate (PLAIN or
LOGIN) before MAIL. Once listening it writes ``--ready-file`` (or prints ``ready``); it
exits cleanly with status 0 on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import ssl
import sys
import threading
import warnings
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    """aiosmtpd handler that stores messages; runs on the controller's single event loop."""

    def __init__(self, out: Path) -> None:
        self.out = out
        # Continue numbering so a restarted sink never overwrites earlier messages.
        existing = [int(p.stem) for p in out.glob("*.eml") if p.stem.isdigit()]
        self.count = max(existing, default=0)

    async def handle_DATA(self, server, session, envelope) -> str:
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        self.count += 1
        name = f"{self.count}.eml"
        (self.out / name).write_bytes(data)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data_size": len(data),
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "eml": name,
        }
        with open(self.out / "messages.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        return "250 2.0.0 Message accepted"


def make_authenticator(user: str, password: str):
    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="SMTP sink for Kindred's integration tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for <n>.eml and messages.jsonl")
    parser.add_argument("--tls-cert", help="PEM certificate; offers STARTTLS and requires it")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--auth", metavar="USER:PASS", help="require AUTH with these credentials")
    parser.add_argument("--ready-file", type=Path, help="written once the server is listening")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.auth is not None and ":" not in args.auth:
        parser.error("--auth must be USER:PASS")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    smtp_options: dict = {"decode_data": False}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        smtp_options.update(tls_context=context, require_starttls=True)
    if args.auth is not None:
        user, _, password = args.auth.partition(":")
        smtp_options.update(
            authenticator=make_authenticator(user, password),
            auth_required=True,
            # Without TLS configured this is a loopback test of plain AUTH, so allow it.
            auth_require_tls=bool(args.tls_cert),
        )
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    controller = Controller(Sink(args.out), hostname=args.host, port=args.port, **smtp_options)
    controller.start()
    try:
        if args.ready_file:
            temporary = args.ready_file.with_name(args.ready_file.name + ".tmp")
            temporary.write_text(f"{args.host}:{args.port}\n")
            os.replace(temporary, args.ready_file)  # readers never see a half-written file
        else:
            print("ready", flush=True)
        stop.wait()
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
