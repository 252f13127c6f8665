"""A fake Web Push service that also plays the browsers, for Kindred's integration tests.

It stands where FCM, Mozilla autopush or Apple's push service would: Kindred POSTs an
encrypted push (RFC 8030 / RFC 8291 `aes128gcm`) with a VAPID Authorization header
(RFC 8292) to `http://127.0.0.1:PORT/push/<name>`. Because the service also holds each
"browser's" private key and auth secret, it can decrypt what arrives and check the VAPID
token, and the test reads the outcome from `.received` (in-process) or a JSON-lines file
(as a process).

In process::

    from push_service import PushService, make_browser_keys
    key, p256dh, auth = make_browser_keys()
    with PushService() as service:
        service.register("alice", key, auth)            # status=410 plays an expired subscription
        endpoint = service.url_for("alice")              # give Kindred endpoint + p256dh + auth
        ...                                              # make Kindred send a push
        push = service.wait_for(1, timeout=10)[0]
        assert push["vapid_ok"] and push["plaintext"] == b"..."

As a process::

    python push_service.py --port 0 --out pushes.jsonl \
        --register alice:/tmp/alice.pem:AUTH_B64URL[:STATUS] --new-browser bob
    # first stdout line: {"url": "http://127.0.0.1:PORT"}; then one line per --new-browser:
    # {"name": "bob", "endpoint": ..., "p256dh": ..., "auth": ..., "private_key_pem": ...}

Control endpoints (JSON): POST /register {name, private_key_pem, auth, status?};
POST /new-browser {name, status?} -> {name, endpoint, p256dh, auth, private_key_pem};
GET /received -> the list of received pushes (as in the --out file); POST /reset clears it.

Each received push is a dict: name, status (what the service answered), headers (lower-case
names), body_bytes, plaintext (bytes, or None when it could not be decrypted), vapid_ok, vapid
(the verified claims, or None), error (text when anything failed, else None), received_at.
In the JSON forms, body_bytes becomes body_base64 (standard base64), plaintext becomes
plaintext_base64 plus plaintext_text (UTF-8, if it decodes), and everything else is as above.

By default (strict=True) the service answers like a real one when a request is wrong:
400 without a valid TTL header or without `Content-Encoding: aes128gcm`, 413 for a body over
4096 bytes, 401 when VAPID does not verify. A push to an unknown name gets 404. Otherwise it
answers the status the name was registered with (201 by default, with a Location header).
Everything is recorded either way.

Needs: cryptography, http-ece, py-vapid (pip install cryptography http-ece py-vapid).
"""
import argparse
import base64
import binascii
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt as vapid_jwt

HOST = "127.0.0.1"
MAX_BODY = 4096  # RFC 8291 §4: push services need accept no more
MAX_VAPID_LIFETIME = 24 * 3600  # RFC 8292 §2


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    if isinstance(text, bytes):
        text = text.decode("ascii")
    text = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text):
        raise ValueError("not base64url")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_browser_keys():
    """What a browser's PushManager makes for a subscription: an ECDH P-256 key pair and a
    16-byte auth secret. Returns (private key object, p256dh base64url, auth base64url)."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    public = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return private_key, b64url_encode(public), b64url_encode(os.urandom(16))


def private_key_pem(private_key):
    """PEM (PKCS#8, unencrypted) text for a browser private key."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def load_private_key(key):
    """A private key object from an object, PEM text/bytes, or a path to a PEM file."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key
    if isinstance(key, str) and "-----BEGIN" not in key and os.path.exists(key):
        with open(key, "rb") as handle:
            key = handle.read()
    if isinstance(key, str):
        key = key.encode("ascii")
    loaded = serialization.load_pem_private_key(key, password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey) or loaded.curve.name != "secp256r1":
        raise ValueError("a browser key must be an EC P-256 private key")
    return loaded


def _auth_bytes(auth):
    data = auth if isinstance(auth, bytes) else b64url_decode(auth)
    if len(data) != 16:
        raise ValueError("the auth secret must be 16 bytes")
    return data


def parse_vapid_authorization(value):
    """(t, k) from `vapid t=<jwt>, k=<key>` (RFC 8292 §3; also accepts no space after the
    comma, and parameters in either order). Raises ValueError otherwise."""
    match = re.fullmatch(r"\s*vapid\s+(.+?)\s*", value or "", re.IGNORECASE | re.DOTALL)
    if not match:
        raise ValueError("Authorization is not `vapid t=..., k=...`")
    params = {}
    for part in match.group(1).split(","):
        key, sep, val = part.strip().partition("=")
        if not sep or not val:
            raise ValueError("malformed vapid parameter %r" % part.strip())
        params[key.strip().lower()] = val.strip()
    if "t" not in params or "k" not in params:
        raise ValueError("vapid Authorization needs both t= and k=")
    return params["t"], params["k"]


def verify_vapid(authorization, audience, now=None):
    """Checks a VAPID Authorization header for a push to `audience` (the service's origin).
    Returns (claims, None) when it is valid, else (claims or None, reason)."""
    now = time.time() if now is None else now
    try:
        token, key = parse_vapid_authorization(authorization)
    except ValueError as error:
        return None, str(error)
    parts = token.split(".")
    if len(parts) != 3:
        return None, "the VAPID token is not a JWS compact serialization"
    try:
        header = json.loads(b64url_decode(parts[0]))
    except (ValueError, binascii.Error) as error:
        return None, "the JWT header is not base64url JSON: %s" % error
    if not isinstance(header, dict) or header.get("alg") != "ES256":
        return None, "the JWT header's alg is not ES256: %r" % (header,)
    if header.get("typ", "JWT").upper() != "JWT":
        return None, "the JWT header's typ is not JWT: %r" % (header,)
    try:
        raw_key = b64url_decode(key)
    except (ValueError, binascii.Error):
        return None, "k is not base64url"
    if len(raw_key) != 65 or raw_key[0] != 4:
        return None, "k is not a 65-byte uncompressed P-256 point"
    try:
        # py_vapid checks the raw r||s signature over header.claims with the key k.
        claims = vapid_jwt.decode(token, key)
    except InvalidSignature:
        return None, "the JWT signature does not verify with k"
    except Exception as error:  # malformed claims JSON and the like
        return None, "the JWT could not be decoded: %s" % error
    if not isinstance(claims, dict):
        return None, "the JWT claims are not an object"
    problems = []
    if claims.get("aud") != audience:
        problems.append("aud %r is not %r" % (claims.get("aud"), audience))
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        problems.append("exp %r is not an integer" % (exp,))
    elif exp <= now:
        problems.append("exp %d is in the past" % exp)
    elif exp > now + MAX_VAPID_LIFETIME:
        problems.append("exp %d is more than 24 h away" % exp)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not (sub.startswith("mailto:") or sub.startswith("https:")):
        problems.append("sub %r is not a mailto: or https: URI" % (sub,))
    return claims, ("; ".join(problems) or None)


class PushService:
    """The fake push service. Loopback only; `port=0` picks a free port."""

    def __init__(self, port=0, strict=True, out=None, verbose=False):
        self.strict = strict
        self.verbose = verbose
        self._lock = threading.Condition()
        self._subscriptions = {}  # name -> (private key, auth bytes, status)
        self._received = []
        self._out = out  # a path for JSON lines, or None
        self._server = ThreadingHTTPServer((HOST, port), _make_handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.origin = "http://%s:%d" % (HOST, self.port)
        self._thread = None
        self._message_counter = 0

    # -- lifecycle

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="push-service", daemon=True)
            self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    close = stop

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- subscriptions

    def url_for(self, name):
        return "%s/push/%s" % (self.origin, name)

    def register(self, name, private_key, auth, status=201):
        """Make `name` an endpoint whose browser holds `private_key` (object, PEM or PEM path)
        and `auth` (base64url or 16 bytes). `status` is what pushes to it are answered with:
        404 or 410 play a subscription that has gone."""
        if not re.fullmatch(r"[A-Za-z0-9._~-]+", name or ""):
            raise ValueError("a name must be URL-safe: %r" % (name,))
        key = load_private_key(private_key)
        secret = _auth_bytes(auth)
        status = int(status)
        if not 200 <= status <= 599:
            raise ValueError("status %d is not an HTTP status" % status)
        with self._lock:
            self._subscriptions[name] = (key, secret, status)
        return self.url_for(name)

    def new_browser(self, name, status=201):
        """Makes browser keys for `name`, registers them, and returns what a subscription
        would hand the server: {name, endpoint, p256dh, auth, private_key_pem}."""
        key, p256dh, auth = make_browser_keys()
        endpoint = self.register(name, key, auth, status)
        return {"name": name, "endpoint": endpoint, "p256dh": p256dh, "auth": auth,
                "private_key_pem": private_key_pem(key)}

    def set_status(self, name, status):
        with self._lock:
            key, secret, _ = self._subscriptions[name]
            self._subscriptions[name] = (key, secret, int(status))

    # -- what arrived

    @property
    def received(self):
        """A snapshot of the pushes received so far, oldest first."""
        with self._lock:
            return list(self._received)

    def wait_for(self, n, timeout=10.0):
        """Waits until at least `n` pushes have arrived and returns them all; raises
        TimeoutError (saying how many came) if they do not within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._received) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("%d push(es) arrived within %.1f s, wanted %d: %r" % (
                        len(self._received), timeout, n, [r.get("error") for r in self._received[-5:]]))
                self._lock.wait(left)
            return list(self._received)

    def clear(self):
        with self._lock:
            self._received.clear()

    # -- handling

    def _handle_push(self, name, headers, body):
        with self._lock:
            subscription = self._subscriptions.get(name)
            self._message_counter += 1
            message_id = self._message_counter
        errors = []
        record = {"name": name, "status": None, "headers": headers, "body_bytes": body,
                  "plaintext": None, "vapid_ok": False, "vapid": None, "error": None,
                  "received_at": time.time()}

        claims, problem = verify_vapid(headers.get("authorization"), self.origin)
        record["vapid"] = claims
        record["vapid_ok"] = problem is None
        if problem:
            errors.append("vapid: " + problem)

        ttl = headers.get("ttl")
        ttl_ok = ttl is not None and re.fullmatch(r"[0-9]+", ttl.strip()) is not None
        if not ttl_ok:
            errors.append("TTL header missing or not a non-negative integer: %r" % (ttl,))
        encoding = (headers.get("content-encoding") or "").strip().lower()
        if encoding != "aes128gcm":
            errors.append("Content-Encoding is %r, not aes128gcm" % (headers.get("content-encoding"),))
        if len(body) > MAX_BODY:
            errors.append("body of %d bytes is over %d" % (len(body), MAX_BODY))

        if subscription is None:
            errors.append("no subscription named %r" % (name,))
        else:
            key, secret, _ = subscription
            try:
                record["plaintext"] = http_ece.decrypt(
                    body, private_key=key, auth_secret=secret, version="aes128gcm")
            except Exception as error:
                errors.append("decrypt: %s" % (error,))

        if subscription is None:
            status = 404
        elif self.strict and (not ttl_ok or encoding != "aes128gcm"):
            status = 400
        elif self.strict and len(body) > MAX_BODY:
            status = 413
        elif self.strict and not record["vapid_ok"]:
            status = 401
        else:
            status = subscription[2]
        record["status"] = status
        record["error"] = "; ".join(errors) or None
        with self._lock:
            self._received.append(record)
            if self._out:
                with open(self._out, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(record_to_json(record)) + "\n")
            self._lock.notify_all()
        return status, message_id


def record_to_json(record):
    """A received push as JSON-friendly values (bytes as base64)."""
    out = {key: value for key, value in record.items() if key not in ("body_bytes", "plaintext")}
    out["body_base64"] = base64.b64encode(record["body_bytes"]).decode("ascii")
    plaintext = record["plaintext"]
    out["plaintext_base64"] = None if plaintext is None else base64.b64encode(plaintext).decode("ascii")
    try:
        out["plaintext_text"] = None if plaintext is None else plaintext.decode("utf-8")
    except UnicodeDecodeError:
        out["plaintext_text"] = None
    return out


def _make_handler(service):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "KindredFakePush/1"

        def log_message(self, fmt, *args):
            if service.verbose:
                sys.stderr.write("push_service: " + (fmt % args) + "\n")

        def _read_body(self):
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def _send(self, status, body=b"", content_type=None, extra=None):
            self.send_response(status)
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def _send_json(self, status, value):
            self._send(status, json.dumps(value).encode("utf-8"), "application/json")

        def do_POST(self):
            body = self._read_body()
            path = self.path.split("?", 1)[0]
            if path.startswith("/push/"):
                headers = {key.lower(): value for key, value in self.headers.items()}
                status, message_id = service._handle_push(path[len("/push/"):], headers, body)
                extra = {"Location": "%s/message/%d" % (service.origin, message_id)} if status == 201 else {}
                self._send(status, extra=extra)
            elif path == "/register":
                try:
                    spec = json.loads(body or b"{}")
                    url = service.register(spec["name"], spec["private_key_pem"], spec["auth"],
                                           spec.get("status", 201))
                except (KeyError, ValueError, TypeError) as error:
                    self._send_json(400, {"error": str(error)})
                    return
                self._send_json(200, {"name": spec["name"], "endpoint": url})
            elif path == "/new-browser":
                try:
                    spec = json.loads(body or b"{}")
                    browser = service.new_browser(spec["name"], spec.get("status", 201))
                except (KeyError, ValueError, TypeError) as error:
                    self._send_json(400, {"error": str(error)})
                    return
                self._send_json(200, browser)
            elif path == "/reset":
                service.clear()
                self._send_json(200, {"ok": True})
            else:
                self._send(404)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/received":
                self._send_json(200, [record_to_json(r) for r in service.received])
            elif path == "/health":
                self._send_json(200, {"ok": True})
            else:
                self._send(404)

    return Handler


def _parse_register(spec):
    """name:private_pem_path:auth_b64url[:status] (the path may itself contain colons)."""
    parts = spec.split(":")
    status = 201
    if len(parts) >= 4 and parts[-1].isdigit():
        status = int(parts.pop())
    if len(parts) < 3:
        raise argparse.ArgumentTypeError("--register wants name:private_pem_path:auth_b64url[:status]")
    return parts[0], ":".join(parts[1:-1]), parts[-1], status


def main(argv=None):
    parser = argparse.ArgumentParser(description="A fake Web Push service (loopback only).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 picks one)")
    parser.add_argument("--out", help="append each received push to this file as a JSON line")
    parser.add_argument("--register", action="append", default=[], type=_parse_register,
                        metavar="NAME:PEM_PATH:AUTH[:STATUS]", help="a browser's keys for a push name")
    parser.add_argument("--new-browser", action="append", default=[], metavar="NAME[:STATUS]",
                        help="make keys for NAME and print them as a JSON line")
    parser.add_argument("--lenient", action="store_true",
                        help="answer the registered status even for bad TTL/encoding/VAPID")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)

    if args.out:
        open(args.out, "a").close()
    service = PushService(port=args.port, strict=not args.lenient, out=args.out, verbose=args.verbose)
    for name, path, auth, status in args.register:
        service.register(name, path, auth, status)
    print(json.dumps({"url": service.origin}), flush=True)
    for spec in args.new_browser:
        name, _, status = spec.partition(":")
        print(json.dumps(service.new_browser(name, int(status or 201))), flush=True)
    service.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()


if __name__ == "__main__":
    main()
