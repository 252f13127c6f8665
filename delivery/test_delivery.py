"""Reminders and notices delivered for real: email through a real SMTP server (aiosmtpd) and
Web Push to a local push service that holds each browser's keys, decrypts what arrives
(http_ece) and checks the VAPID token (py_vapid). Nothing anyone wrote may travel; names only
when asked; each notice arrives once."""

from __future__ import annotations

import base64
import datetime
import json
import os
import re
import subprocess
import time
import urllib.parse
from zoneinfo import ZoneInfo

import pytest
from push_service import make_browser_keys
from py_vapid import jwt as vapid_jwt  # noqa: F401  (the service verifies with it; imported to fail early if missing)


def b64url_json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def subscribe(kindred, push, person, name, status=201):
    key, p256dh, auth = make_browser_keys()
    endpoint = push.register(name, key, auth, status)
    code, device = kindred.call("POST", "/api/v1/me/push-subscriptions",
                                {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}, person["token"])
    assert code == 201, device
    return device


def pushes_to(push, name):
    received = push.received() if callable(push.received) else push.received
    return [r for r in received if r["name"] == name]


def wait_for_pushes(push, name, count, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = pushes_to(push, name)
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{len(pushes_to(push, name))} push(es) to {name}, wanted {count}")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(scope="module")
def daily(kindred):
    """Someone in Kathmandu (UTC+05:45) with a reminder at the next whole minute but one,
    set now so the suite's other tests run while it comes due."""
    zone = "Asia/Kathmandu"
    dee, _, bond = kindred.pair("Dee", "Eli", zones=(zone, "Europe/London"))
    now = datetime.datetime.now(ZoneInfo(zone))
    due = (now + datetime.timedelta(seconds=90)).replace(second=0, microsecond=0)
    return {"person": dee, "bond": bond, "due": due, "zone": zone}


def test_serve_port_is_the_address_in_links_and_in_the_start_up_message(kindred, mailbox, daily):
    port = kindred.base.rsplit(":", 1)[1]
    assert port != "8080"
    deadline = time.monotonic() + 10
    while f"Open http://127.0.0.1:{port} in a browser" not in kindred.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, kindred.log.read_text(errors="replace")[-2000:]
        time.sleep(0.1)
    ivy = kindred.person("Ivy")
    code, bond = kindred.call("POST", "/api/v1/bonds", {"kind": "friendship"}, ivy["token"])
    code, invite = kindred.call("POST", f"/api/v1/bonds/{bond['id']}/invites", None, ivy["token"])
    assert invite["url"].startswith(f"http://127.0.0.1:{port}/join/"), invite["url"]


def test_a_partner_notice_arrives_by_email_once_says_nothing_written_and_unsubscribes_in_one_click(kindred, mailbox, daily):
    ana, ben, bond = kindred.pair("Ana", "Ben")
    code, saved = kindred.call("PUT", "/api/v1/me/reminders",
                               {"dailyAt": None, "email": True, "push": False, "partnerActivity": True}, ben["token"])
    assert code == 200, saved
    code, _ = kindred.call("PUT", f"/api/v1/bonds/{bond}/today/answer", {"text": "The heron by the canal"}, ana["token"])
    assert code == 200
    # Changing the answer is not a second notice.
    kindred.call("PUT", f"/api/v1/bonds/{bond}/today/answer", {"text": "The heron by the canal, again"}, ana["token"])
    [message] = mailbox.wait_for(ben["email"], 1)
    time.sleep(2.5)
    assert len(mailbox.to(ben["email"])) == 1, "one notice, however many scheduler rounds"

    assert message["Subject"] == "Something new is waiting"
    assert "hello@kindred.test" in str(message["From"])
    assert re.fullmatch(r"<[0-9a-f-]{36}@127\.0\.0\.1>", message["Message-ID"]), message["Message-ID"]
    assert message.get_content_type() == "text/plain"
    body = text_of(message)
    for private in ("heron", "Ana", "canal"):
        assert private not in body and private not in str(message["Subject"]), private
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(http://[^>]+/unsubscribe/[^>]+)>", message["List-Unsubscribe"]).group(1)

    # RFC 8058: the mail provider POSTs, with no cookie and no sign-in.
    code, _ = kindred.call("POST", unsubscribe, raw=b"List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert code == 200
    code, now = kindred.call("GET", "/api/v1/me/reminders", token=ben["token"])
    assert now["email"] is False


def test_a_nudge_arrives_by_web_push_encrypted_signed_and_neutral(kindred, push, daily):
    ana, ben, bond = kindred.pair("Cat", "Dan")
    subscribe(kindred, push, ben, "dan-phone")
    code, _ = kindred.call("PUT", "/api/v1/me/reminders", {"dailyAt": None, "email": False, "push": True, "partnerActivity": True}, ben["token"])
    assert code == 200
    code, _ = kindred.call("POST", f"/api/v1/bonds/{bond}/nudge", token=ana["token"])
    assert code == 201
    [arrived] = wait_for_pushes(push, "dan-phone", 1)
    assert arrived["error"] is None, arrived["error"]
    assert arrived["vapid_ok"], "the VAPID token verifies with the server's public key"
    assert arrived["headers"]["content-encoding"] == "aes128gcm"
    assert int(arrived["headers"]["ttl"]) > 0
    claims = arrived["vapid"]
    assert claims["aud"] == push.origin and claims["sub"] == "mailto:operator@kindred.test"
    code, key = kindred.call("GET", "/api/v1/push/key")
    token = re.search(r"t=([^,\s]+)", arrived["headers"]["authorization"]).group(1)
    assert re.search(r"k=([A-Za-z0-9_-]+)", arrived["headers"]["authorization"]).group(1) == key["publicKey"]
    assert b64url_json(token.split(".")[0]) == {"typ": "JWT", "alg": "ES256"}
    payload = json.loads(arrived["plaintext"])
    assert payload["title"] == "Someone is hoping to hear from you", payload
    assert "Cat" not in json.dumps(payload)
    assert payload["url"] == f"/bonds/{bond.lower()}"


def test_names_only_when_asked_and_a_gone_device_is_forgotten(kindred, push, daily):
    ana, ben, bond = kindred.pair("Fay", "Gus")
    subscribe(kindred, push, ben, "gus-old", status=410)
    subscribe(kindred, push, ben, "gus-new")
    kindred.call("PUT", "/api/v1/me/reminders",
                 {"dailyAt": None, "email": False, "push": True, "partnerActivity": True, "includeNames": True}, ben["token"])
    kindred.call("POST", f"/api/v1/bonds/{bond}/appreciations", {"text": "For the soup on Sunday"}, ana["token"])
    [named] = wait_for_pushes(push, "gus-new", 1)
    payload = json.loads(named["plaintext"])
    assert payload["title"] == "Fay sent you an appreciation"
    assert "soup" not in json.dumps(payload), "never what anyone wrote"
    wait_for_pushes(push, "gus-old", 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        code, devices = kindred.call("GET", "/api/v1/me/push-subscriptions", token=ben["token"])
        if len(devices) == 1:
            break
        time.sleep(0.2)
    assert len(devices) == 1, "the endpoint that answered 410 is gone"


def test_a_forgotten_password_is_reset_by_an_emailed_link_once(kindred, mailbox, daily):
    hal = kindred.person("Hal")
    code, first = kindred.call("POST", "/api/v1/password-resets", {"email": hal["email"]})
    code2, unknown = kindred.call("POST", "/api/v1/password-resets", {"email": "nobody-here@example.org"})
    assert (code, first) == (code2, unknown) == (202, first), "the same answer either way"
    [message] = mailbox.wait_for(hal["email"], 1)
    link = re.search(r"http://\S+/reset-password/(\S+)", text_of(message))
    assert link, text_of(message)
    assert not mailbox.to("nobody-here@example.org")
    token = link.group(1)
    code, done = kindred.call("POST", f"/api/v1/password-resets/{token}", {"password": "a brand new long passphrase"})
    assert code == 200, done
    code, _ = kindred.call("GET", "/api/v1/me", token=hal["token"])
    assert code == 401, "every session and token ended"
    code, again = kindred.call("POST", f"/api/v1/password-resets/{token}", {"password": "another long passphrase!"})
    assert code == 410, again
    code, _ = kindred.call("POST", "/api/v1/tokens", {"email": hal["email"], "password": "a brand new long passphrase"})
    assert code == 201


def test_sign_up_emails_the_link_or_says_an_account_exists_and_the_answer_never_tells(kindred, mailbox, daily):
    ivy = kindred.person("Ivy")  # signed up through her emailed link
    [link] = mailbox.to(ivy["email"], signups=True)
    assert link["Subject"] == "Finish creating your Kindred account"
    assert link["Auto-Submitted"] == "auto-generated" and link["Message-ID"]
    assert re.search(r"http://127\.0\.0\.1:\d+/register/confirm/[A-Za-z0-9_-]+", text_of(link)), text_of(link)
    assert "passphrase" not in text_of(link)
    fresh = f"new-{os.urandom(3).hex()}@example.org"
    taken_code, taken = kindred.call("POST", "/api/v1/accounts", {"email": ivy["email"], "password": "someone else's passphrase", "displayName": "Not Ivy"})
    free_code, free = kindred.call("POST", "/api/v1/accounts", {"email": fresh, "password": "someone else's passphrase", "displayName": "New"})
    assert taken_code == free_code == 202
    assert taken["message"].replace(ivy["email"], "X") == free["message"].replace(fresh, "X"), "the same answer either way"
    [note] = [m for m in mailbox.wait_for(ivy["email"], 2, signups=True) if m["Subject"] != "Finish creating your Kindred account"]
    assert note["Subject"] == "You already have a Kindred account"
    assert "/register/confirm/" not in text_of(note) and "/forgot-password" in text_of(note)
    [fresh_link] = mailbox.wait_for(fresh, 1, signups=True)
    assert fresh_link["Subject"] == "Finish creating your Kindred account"


def test_the_operator_prints_a_reset_link_that_works_once(kindred, daily):
    jo = kindred.person("Jo")
    printed = subprocess.run([str(kindred.binary), "users", "reset-link", jo["email"]], env=kindred.env,
                             cwd=kindred.data, capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    link = re.search(r"(http://127\.0\.0\.1:\d+)/reset-password/(\S+)", printed.stdout)
    assert link, printed.stdout
    code, _ = kindred.call("POST", f"/api/v1/password-resets/{link.group(2)}", {"password": "the operator gave me this"})
    assert code == 200
    code, _ = kindred.call("POST", f"/api/v1/password-resets/{link.group(2)}", {"password": "and again, a second time"})
    assert code == 410
    unknown = subprocess.run([str(kindred.binary), "users", "reset-link", "nobody-at-all@example.org"], env=kindred.env,
                             cwd=kindred.data, capture_output=True, text=True, timeout=60)
    assert unknown.returncode != 0 and "no account" in (unknown.stdout + unknown.stderr)


def test_the_daily_reminder_arrives_at_the_local_minute_by_email_and_push_once(kindred, mailbox, push, daily):
    dee = daily["person"]
    subscribe(kindred, push, dee, "dee-phone")
    code, saved = kindred.call("PUT", "/api/v1/me/reminders",
                               {"dailyAt": daily["due"].strftime("%H:%M"), "email": True, "push": True, "partnerActivity": False},
                               dee["token"])
    assert code == 200, saved
    wait = (daily["due"] - datetime.datetime.now(ZoneInfo(daily["zone"]))).total_seconds()
    assert wait > 0, "the minute was set in the future"
    assert not mailbox.to(dee["email"]) and not pushes_to(push, "dee-phone"), "nothing before its time"
    [message] = mailbox.wait_for(dee["email"], 1, timeout=wait + 30)
    arrived_at = datetime.datetime.now(ZoneInfo(daily["zone"]))
    assert arrived_at >= daily["due"], f"sent at {arrived_at}, due {daily['due']}"
    assert (arrived_at - daily["due"]).total_seconds() < 20
    assert message["Subject"] == "A new question is waiting"
    [push_message] = wait_for_pushes(push, "dee-phone", 1)
    assert json.loads(push_message["plaintext"])["title"] == "A new question is waiting"
    assert int(push_message["headers"]["ttl"]) == 12 * 3600
    time.sleep(3)
    assert len(mailbox.to(dee["email"])) == 1 and len(pushes_to(push, "dee-phone")) == 1, "once"
