"""A tiny HTTP client for Kindred's scripts (standard library only).

One `Client` holds one keep-alive connection, so give each thread its own. Every response
is recorded in `Client.statuses` (a shared Counter, if one is passed) so callers can assert
that no 5xx happened anywhere.
"""
import http.client
import json
import re
import threading
import urllib.parse
from collections import Counter

PASSWORD = "correct horse battery staple"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def all_headers(self, name):
        name = name.lower()
        return [value for key, value in self.headers if key.lower() == name]

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<{self.status} {self.body[:200]!r}>"


class Client:
    def __init__(self, base_url, statuses=None, lock=None, timeout=60):
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.timeout = timeout
        self.statuses = statuses if statuses is not None else Counter()
        self.lock = lock or threading.Lock()
        self.conn = None

    def connect(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.connect()
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, json_body=None, token=None, form=None, cookies=None, headers=None):
        """Sends one request; retries once on a stale keep-alive connection only if nothing was sent."""
        hdrs = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        if cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        for attempt in (1, 2):
            fresh = self.conn is None
            conn = self.connect()
            try:
                conn.request(method, path, body=body, headers=hdrs)
            except (ConnectionError, http.client.HTTPException, OSError):
                # Nothing reached the server through a dead keep-alive socket: safe to resend.
                self.close()
                if fresh or attempt == 2:
                    raise
                continue
            try:
                resp = conn.getresponse()
                data = resp.read()
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                raise
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            result = Response(resp.status, resp.getheaders(), data)
            with self.lock:
                self.statuses[resp.status] += 1
            return result
        raise RuntimeError("unreachable")


def cookies_from(response):
    """name → value for every Set-Cookie of a response (attributes dropped)."""
    jar = {}
    for line in response.all_headers("Set-Cookie"):
        name, _, rest = line.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def csrf_field(html):
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    if not match:
        raise AssertionError("no csrf field in the page")
    return match.group(1)


def expect(response, *statuses, what=""):
    if response.status not in statuses:
        raise AssertionError(f"{what}: expected {statuses}, got {response.status}: {response.body[:300]!r}")
    return response
