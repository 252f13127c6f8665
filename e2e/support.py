"""Shared pieces of Kindred's browser suite: the server and neutral-site helpers, people in
browsers (a wide desktop with a mouse, or a true 390 px phone through Chrome's mobile
emulation), the automatic per-page checks (axe-core, the console, horizontal overflow,
Quick exit still on screen after scrolling, no notes meant for operators) and failure
artifacts. conftest.py turns them into fixtures and hooks; the tests import what they
assert on."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parent
ARTIFACTS = E2E_DIR / "artifacts"
SCREENS = ARTIFACTS / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 15
NEUTRAL_TITLE = "Weather today"
SEVERE_IMPACTS = ("serious", "critical")
# Characters typed with Shift held on a common keyboard.
SHIFTED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ~!@#$%^&*()_+{}|:\"<>?")
# A true phone: Chrome's mobile emulation (a headless window is at least 500 px wide).
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
# Words of notes meant for operators ("operators should re-check them periodically", "not
# yet checked against the original paper"): never on a page people read.
OPERATOR_NOTES = ("operators should", "re-check", "not yet checked")


# --------------------------------------------------------------------------------------
# What the automatic checks saw, asserted at the end by test_zz_page_checks.py.


@dataclass
class PageCheck:
    who: str
    url: str
    title: str
    violations: list = field(default_factory=list)  # serious and critical
    minor: list = field(default_factory=list)  # moderate and minor: reported, not failed
    artifact: str = ""  # screenshot of the page when it had serious violations
    width: int = 0  # the viewport's width in CSS pixels
    overflow: str = ""  # what sticks out sideways (the page scrolls horizontally), if anything
    exit_problem: str = ""  # how Quick exit was off screen or covered after scrolling down
    phone: bool = False  # seen on the phone
    operator_notes: list = field(default_factory=list)  # OPERATOR_NOTES found in the text
    layout_artifact: str = ""  # screenshot of the page when its layout check failed


class Findings:
    def __init__(self) -> None:
        self.pages: list[PageCheck] = []
        self.console_errors: list[tuple[str, str, str]] = []  # (who, url, message)
        self.axe_version = "?"
        self.saved_pages: set[str] = set()  # addresses whose violating page was saved
        self.saved_layouts: set[str] = set()  # addresses whose badly laid out page was saved


FINDINGS = Findings()

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def page_pattern(url: str) -> str:
    """The address without origin, ids and invite codes, to group findings by page."""
    path = re.sub(r"^https?://[^/]+", "", url)
    path = _UUID.sub("{id}", path)
    path = re.sub(r"/join/[^/?#]+", "/join/{code}", path)
    path = re.sub(r"/professional-invites/[^/?#]+", "/professional-invites/{code}", path)
    path = re.sub(r"/reset-password/[^/?#]+", "/reset-password/{token}", path)
    path = re.sub(r"/register/confirm/[^/?#]+", "/register/confirm/{token}", path)
    path = re.sub(r"\?idea=[^&#]+", "?idea={idea}", path)
    path = re.sub(r"/days/\d{4}-\d{2}-\d{2}", "/days/{day}", path)
    path = re.sub(r"before=\d{4}-\d{2}-\d{2}", "before={day}", path)
    return re.sub(r"next=[^&#]+", "next={path}", path)


def format_violation(v: dict, where: list[str]) -> str:
    lines = [f"[{v.get('impact')}] {v['id']}: {v.get('help', '')}", f"    on: {', '.join(where)}"]
    for node in v.get("nodes", [])[:8]:
        target = " ".join(str(t) for t in node.get("target", []))
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    - {target}  {summary[:300]}")
    if v.get("helpUrl"):
        lines.append(f"    see {v['helpUrl']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# The server under test and the neutral site.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NEUTRAL_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{NEUTRAL_TITLE}</title></head>
<body><main><h1>{NEUTRAL_TITLE}</h1><p>Sunny spells and a light breeze, 18&deg;C.</p></main></body></html>
""".encode()


class NeutralHandler(BaseHTTPRequestHandler):
    """Answers every GET with the same harmless page, as a weather site would."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.startswith("/favicon"):
            self.send_response(204)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
        self.end_headers()
        self.wfile.write(NEUTRAL_PAGE)

    def log_message(self, *args) -> None:
        pass


class Server:
    """A running `kindred serve`."""

    current: "Server | None" = None

    def __init__(self, base_url: str, process: subprocess.Popen, log_path: Path, quick_exit_url: str,
                 binary: Path | None = None, env: dict | None = None, data_dir: Path | None = None):
        self.base_url = base_url
        self.process = process
        self.log_path = log_path
        self.quick_exit_url = quick_exit_url
        self.binary = binary
        self.mailbox = None  # the test SMTP server's Mailbox, where sign-up links arrive
        self.env = env or {}
        self.data_dir = data_dir

    def operator(self, *args: str) -> subprocess.CompletedProcess:
        """Runs an operator command (`kindred users reset-link EMAIL`) with the same
        environment and data folder as the server under test."""
        assert self.binary is not None, "the server was started without its binary recorded"
        return subprocess.run([str(self.binary), *args], cwd=self.data_dir, env=self.env,
                              capture_output=True, text=True, timeout=120)

    def url(self, path: str) -> str:
        return self.base_url + path

    def is_ours(self, url: str) -> bool:
        return url == self.base_url or url.startswith(self.base_url + "/")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


# --------------------------------------------------------------------------------------
# Browsers and people.

OPEN_DRIVERS: list[tuple[str, webdriver.Chrome]] = []


def make_driver(*, javascript: bool = True, dark: bool = False, size=(1280, 900), phone: bool = False) -> webdriver.Chrome:
    """Headless Debian Chromium with the driver's path given, so selenium never downloads one.
    `phone`: Chrome's mobile emulation at a true 390 x 844 (pixel ratio 2, touch, a mobile
    user agent), since a headless window is never narrower than 500 px. Otherwise a desktop
    of `size` with a mouse: headless Chromium has no pointing device, so without saying so
    it matches neither `(hover: hover)` nor `(pointer: fine)` as a person's desktop does."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-sync",
        "--lang=en-GB",
        f"--window-size={size[0]},{size[1]}",
    ):
        opts.add_argument(arg)
    blink = []
    if phone:
        opts.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": PHONE_WIDTH, "height": PHONE_HEIGHT, "pixelRatio": 2.0, "touch": True},
            "userAgent": PHONE_USER_AGENT,
        })
    else:
        # Blink's PointerType 4 is fine, HoverType 2 is hover.
        blink.append("primaryPointerType=4,availablePointerTypes=4,primaryHoverType=2,availableHoverTypes=2")
    if not javascript:
        blink.append("scriptEnabled=false")
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    if blink:
        opts.add_argument("--blink-settings=" + ",".join(blink))
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    if dark:
        # The page's prefers-color-scheme becomes dark, so the dark palette is checked too.
        driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
        )
    return driver


class Person:
    """One person in one browser. Every Kindred page they land on through visit(),
    click_through() or submit() is checked with axe-core and for console errors."""

    def __init__(self, label: str, driver: webdriver.Chrome, server: Server, *, checks: bool = True, phone: bool = False):
        self.label = label
        self.driver = driver
        self.server = server
        self.checks = checks
        self.phone = phone
        self.name = ""
        self.email = ""
        self.password = ""

    # -- moving around --------------------------------------------------------------------

    def visit(self, path_or_url: str) -> None:
        url = path_or_url if "://" in path_or_url else self.server.url(path_or_url)
        self.driver.get(url)
        self._landed()

    def click_through(self, element: WebElement) -> None:
        """Clicks a link or a submit button and waits for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.driver, WAIT_SECONDS).until(lambda _: is_stale(old))
        self._landed()

    def submit(self, button_text: str, within: str = "main") -> None:
        """Submits a form by clicking its visible submit button with this text."""
        self.click_through(self.button(button_text, within))

    def follow(self, link_text: str, within: str = "body") -> None:
        self.click_through(self.link(link_text, within))

    def _landed(self) -> None:
        if not self.checks:
            return
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        if self.server.is_ours(self.driver.current_url):
            check_page(self.label, self.driver, phone=self.phone)

    # -- finding things -------------------------------------------------------------------

    def button(self, text: str, within: str = "main") -> WebElement:
        scope = self.driver.find_element(By.CSS_SELECTOR, within)
        for b in scope.find_elements(By.CSS_SELECTOR, "button, input[type=submit]"):
            if b.is_displayed() and (b.text.strip() == text or b.get_attribute("value") == text):
                return b
        raise AssertionError(f"{self.label} sees no button {text!r} in {within} on {self.path}")

    def link(self, text: str, within: str = "body") -> WebElement:
        scope = self.driver.find_element(By.CSS_SELECTOR, within)
        for a in scope.find_elements(By.TAG_NAME, "a"):
            if a.is_displayed() and a.text.strip() == text:
                return a
        raise AssertionError(f"{self.label} sees no link {text!r} in {within} on {self.path}")

    def has_link(self, text: str, within: str = "body") -> bool:
        try:
            self.link(text, within)
            return True
        except AssertionError:
            return False

    # -- reading --------------------------------------------------------------------------

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.driver.current_url)

    def h1(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text.strip()

    def text(self, selector: str = "main") -> str:
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def flash(self) -> str:
        found = self.driver.find_elements(By.CSS_SELECTOR, "main .flash[role=status]")
        return found[0].text.strip() if found else ""

    def badges(self, selector: str = "main > h1 + p .badge") -> list[str]:
        """The badges under the page's heading (a bond's kind and status), or elsewhere."""
        return [b.text.strip() for b in self.driver.find_elements(By.CSS_SELECTOR, selector)]

    def field(self, field_id: str) -> WebElement:
        return self.driver.find_element(By.ID, field_id)

    def value(self, field_id: str) -> str:
        return self.field(field_id).get_attribute("value") or ""

    def selected(self, field_id: str) -> str:
        # One query, not Select.first_selected_option's round trip per option (hundreds of zones).
        return self.driver.find_element(By.CSS_SELECTOR, f"#{field_id} option:checked").get_attribute("value")

    # -- typing ---------------------------------------------------------------------------

    def type_into(self, field_id: str, value: str) -> None:
        """Types into a field key by key, as people do (Shift for capitals included)."""
        element = self.field(field_id)
        element.clear()
        element.send_keys(value)

    def choose(self, field_id: str, value: str) -> None:
        Select(self.field(field_id)).select_by_value(value)

    def tick(self, field_id: str) -> None:
        """Picks a radio button or ticks a checkbox by clicking its label, as people do."""
        label = self.driver.find_element(By.CSS_SELECTOR, f"label[for='{field_id}']")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
        label.click()
        assert self.is_checked(field_id), f"clicking the label of {field_id} did not check it"

    def untick(self, field_id: str) -> None:
        """Clears a checkbox by clicking its label."""
        label = self.driver.find_element(By.CSS_SELECTOR, f"label[for='{field_id}']")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
        label.click()
        assert not self.is_checked(field_id), f"clicking the label of {field_id} did not clear it"

    def is_checked(self, field_id: str) -> bool:
        return self.field(field_id).is_selected()

    # -- responses and tables -------------------------------------------------------------

    def status(self) -> int:
        """The HTTP status of the page now shown (Navigation Timing's responseStatus)."""
        return int(self.driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0"
        ))

    def captions(self, within: str = "main") -> list[str]:
        scope = self.driver.find_element(By.CSS_SELECTOR, within)
        return [c.text.strip() for c in scope.find_elements(By.CSS_SELECTOR, "table > caption")]

    def table(self, caption: str, within: str = "main") -> list[list[str]]:
        """The rows of the table with this caption: header row first, each row's cells as text."""
        scope = self.driver.find_element(By.CSS_SELECTOR, within)
        for table in scope.find_elements(By.TAG_NAME, "table"):
            found = table.find_elements(By.CSS_SELECTOR, ":scope > caption")
            if found and found[0].text.strip() == caption:
                return self.driver.execute_script(
                    "return Array.from(arguments[0].rows, r => Array.from(r.cells, c => c.textContent.replace(/\\s+/g, ' ').trim()))",
                    table,
                )
        raise AssertionError(f"{self.label} sees no table {caption!r} in {within} on {self.path} (captions: {self.captions(within)})")


    # -- requests made by the page itself ---------------------------------------------------

    def fetch(self, path: str, form: dict | None = None) -> tuple[int, str]:
        """GETs a path of this site from the page now shown (or POSTs `form` to it, urlencoded,
        with the page's CSRF token added), with this person's cookies; redirects followed.
        Returns the final status and the body exactly as the server sent it, before any
        script ran on it. Nothing is checked with axe: it is not a page anyone looks at."""
        response = self.fetch_response(path, form)
        return response.status, response.body

    def fetch_response(self, path: str, form: dict | None = None) -> "Fetched":
        """fetch(), with the response's headers (names in lower case) and final address too."""
        result = self.driver.execute_async_script(
            """
            const [path, form, done] = arguments;
            const options = {credentials: "same-origin"};
            if (form) {
              const token = document.querySelector("input[name=csrf]");
              options.method = "POST";
              options.body = new URLSearchParams(Object.assign({csrf: token ? token.value : ""}, form));
            }
            fetch(path, options)
              .then(r => r.text().then(body => done([r.status, Array.from(r.headers.entries()), body, r.url])))
              .catch(e => done([0, [], String(e), ""]));
            """,
            path, form,
        )
        response = Fetched(int(result[0]), {name.lower(): value for name, value in result[1]}, result[2], result[3])
        if self.checks and 400 <= response.status < 500:
            # The browser logs a 4xx answer to the page's own request as an error: expected
            # here (the caller asserts the status), so only that one line is let through.
            collect_console(self.label, self.driver, expected_failure=response.url or self.server.url(path))
        return response


@dataclass
class Fetched:
    """A response fetched by the page (Person.fetch_response)."""

    status: int
    headers: dict[str, str]
    body: str
    url: str


def is_stale(element: WebElement) -> bool:
    """True once the element's document has gone. Like EC.staleness_of, but a busy Chromium
    sometimes reports a replaced document as "Node with given id does not belong to the
    document" instead of a stale element: that means gone too."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in (error.msg or ""):
            return True
        raise


def new_story():
    """One module's story: what earlier steps made, for later ones (a dict; "done" holds the
    steps that passed), `needs(*steps)` to skip a test whose earlier steps failed, and
    `done(step)` to mark one passed. Returns (story, needs, done)."""
    story: dict = {"done": set()}

    def needs(*steps: str) -> None:
        missing = [s for s in steps if s not in story["done"]]
        if missing:
            pytest.skip(f"needs the earlier step(s) {', '.join(missing)}, which did not pass")

    def done(step: str) -> None:
        story["done"].add(step)

    return story, needs, done


def set_time_zone(person: Person, zone: str) -> None:
    """Sets a person's time zone through Settings, as they would."""
    person.visit("/settings")
    person.choose("timeZone", zone)
    person.submit("Save")
    assert person.flash() == "Your settings are saved."
    assert person.selected("timeZone") == zone


def ensure_signed_in(person: Person, name: str, password: str, tag: str, time_zone: str = "Europe/London") -> None:
    """Signs the person in, or up when no earlier module did (a run of one module alone).
    Names have at most two capitals, so typing them never looks like Quick exit's Shift x3."""
    if not person.email:
        person.name, person.email, person.password = name, f"{person.label}.{tag}@example.org", password
        person.visit("/register")
        person.type_into("displayName", person.name)
        person.type_into("email", person.email)
        person.type_into("password", person.password)
        person.choose("timeZone", time_zone)
        person.submit("Create account")
        finish_sign_up(person)
    person.visit("/bonds")
    if person.h1() != "My bonds":
        person.visit("/sign-in")
        person.type_into("email", person.email)
        person.type_into("password", person.password)
        person.submit("Sign in")
        # Signing in lands on the one active bond's home, or on the list: either way, the list.
        person.visit("/bonds")
    assert person.path == "/bonds" and person.h1() == "My bonds", f"{person.label} could not sign in"

def start_bond_of_two(alex: "Person", bea: "Person", kind: str, name: str) -> str:
    """Alex makes a bond of `kind` called `name` and Bea joins it through the invite link; returns its path."""
    alex.visit("/bonds/new")
    alex.tick(f"kind-{kind}")
    alex.type_into("name", name)
    alex.submit("Make the bond")
    bond = alex.path
    assert re.fullmatch(r"/bonds/[0-9a-fA-F-]{36}", bond), bond
    alex.submit("Make an invite link")
    bea.visit(alex.value("invite-url"))
    bea.submit("Join the bond")
    return bond



def finish_sign_up(person: Person) -> None:
    """After "Create account": Kindred sends a link to the address (it sends email here), and
    the account starts when the person opens it and presses "Create my account"."""
    assert person.h1() == "Check your email", f"{person.label} sees {person.h1()!r} after signing up"
    assert person.email in person.text("main")
    mails = person.server.mailbox.wait_for(person.email)
    links = [re.search(r"https?://\S+/register/confirm/[A-Za-z0-9_-]+", m.get_body(("plain",)).get_content()) for m in mails]
    links = [found.group(0) for found in links if found]
    assert links, f"no sign-up link reached {person.email}"
    person.visit(links[-1])
    assert person.h1() == "Finish creating your account"
    person.submit("Create my account")


def bond_settings(person: Person, bond: str) -> None:
    """Opens a bond's settings page (its kind and status badges, who's here, invites, the
    daily question's decks and depth, leaving)."""
    person.visit(f"{bond}/settings")
    assert person.h1() == "Bond settings", f"{person.label} sees {person.h1()!r} at {bond}/settings"


def close_person(person: Person) -> None:
    """Quits a short-lived browser early (keeps at most one pair and a guest running)."""
    for entry in list(OPEN_DRIVERS):
        if entry[1] is person.driver:
            OPEN_DRIVERS.remove(entry)
    try:
        person.driver.quit()
    except WebDriverException:
        pass


LAYOUT_SCRIPT = """
const phone = arguments[0];
const doc = document.documentElement;
// The viewport's size: the root's client box. Not innerWidth: a (emulated) phone widens its
// layout viewport to fit whatever sticks out, so innerWidth grows with the very overflow
// looked for here (a 1,560 px innerWidth on a 390 px phone), while clientWidth stays 390.
// The height: what is on screen (the visual viewport), for the same reason.
const width = doc.clientWidth;
const height = window.visualViewport ? window.visualViewport.height : doc.clientHeight;
const describe = (el) => {
  const r = el.getBoundingClientRect();
  let name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
  if (el.classList && el.classList.length) name += "." + Array.from(el.classList).join(".");
  const text = (el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 60);
  return name + " (" + Math.round(r.width) + " px wide, content " + el.scrollWidth + " px, right edge at " + Math.round(r.right) + " px)" +
    (text ? ' "' + text + '"' : "");
};
const found = {width: width, overflow: "", exit: "", notes: []};
if (doc.scrollWidth > width) {
  // The element reaching furthest right, by its box or by content spilling out of it (a
  // long word in a narrow box); of several that reach as far, the innermost.
  let worst = null, right = width;
  for (const el of document.body.getElementsByTagName("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let reach = r.right;
    if (el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === "visible") {
      reach = Math.max(reach, r.left + el.scrollWidth);
    }
    if (reach > right + 0.5 || (worst && reach >= right - 0.5 && worst.contains(el))) {
      worst = el;
      right = Math.max(right, reach);
    }
  }
  found.overflow = "the page is " + doc.scrollWidth + " px wide in a " + width + " px viewport" +
    (window.innerWidth > width ? " (the browser widened its layout to " + window.innerWidth + " px to fit it)" : "") +
    (worst ? "; widest: " + describe(worst) : "");
}
const link = document.querySelector("header [data-quick-exit], header .quick-exit");
if (!link) {
  found.exit = "no Quick exit in the header";
} else {
  const before = window.scrollY;
  window.scrollTo({top: doc.scrollHeight, left: 0, behavior: "instant"});
  const r = link.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (r.width === 0 || r.height === 0) {
    found.exit = "Quick exit has no size";
  } else if (r.top < -0.5 || r.bottom > height + 0.5 || r.left < -0.5 || r.right > width + 0.5) {
    found.exit = "after scrolling to the bottom (" + Math.round(window.scrollY) + " px down) Quick exit is at top " +
      Math.round(r.top) + ", bottom " + Math.round(r.bottom) + " in a " + width + " x " + height + " viewport";
  } else if (!hit || !(hit === link || link.contains(hit))) {
    found.exit = "after scrolling to the bottom Quick exit is covered by " + (hit ? describe(hit) : "nothing drawable");
  }
  window.scrollTo({top: before, left: 0, behavior: "instant"});
}
const text = (document.body.innerText || "").toLowerCase();
found.notes = arguments[1].filter((words) => text.includes(words));
return found;
"""


def check_page(who: str, driver: webdriver.Chrome, phone: bool = False) -> None:
    """axe-core on the page as it is now, its layout (nothing wider than the viewport; Quick
    exit still on screen and uncovered once scrolled to the bottom — on the phone above all,
    and on the desktop too), no notes meant for operators, and the console errors logged
    since the last check."""
    axe = Axe(driver)
    axe.inject()
    result = axe.run()
    if FINDINGS.axe_version == "?":
        FINDINGS.axe_version = (result.get("testEngine") or {}).get("version") or str(
            driver.execute_script("return window.axe && axe.version") or "?"
        )
    check = PageCheck(who=who, url=driver.current_url, title=driver.title, phone=phone)
    for violation in result["violations"]:
        (check.violations if violation.get("impact") in SEVERE_IMPACTS else check.minor).append(violation)
    layout = driver.execute_script(LAYOUT_SCRIPT, phone, list(OPERATOR_NOTES))
    check.width = int(layout.get("width") or 0)
    check.overflow = layout.get("overflow") or ""
    check.exit_problem = layout.get("exit") or ""
    check.operator_notes = list(layout.get("notes") or [])
    FINDINGS.pages.append(check)
    pattern = page_pattern(check.url)
    if check.violations and pattern not in FINDINGS.saved_pages:
        FINDINGS.saved_pages.add(pattern)
        # Keep the page as axe-core saw it: by the time the verdict runs it is long gone.
        check.artifact = _keep_page(driver, f"axe-{len(FINDINGS.pages):03d}-{who}-{_slug(pattern) or 'home'}")
    if (check.overflow or check.exit_problem) and (who, pattern) not in FINDINGS.saved_layouts:
        FINDINGS.saved_layouts.add((who, pattern))
        check.layout_artifact = _keep_page(driver, f"layout-{len(FINDINGS.pages):03d}-{who}-{_slug(pattern) or 'home'}")
    collect_console(who, driver)


def _keep_page(driver: webdriver.Chrome, name: str) -> str:
    """A screenshot and the HTML of the page now shown, in the artifacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = ARTIFACTS / name
    try:
        driver.save_screenshot(f"{base}.png")
        Path(f"{base}.html").write_text(driver.page_source, encoding="utf-8")
        return f"{base}.png"
    except WebDriverException:
        return ""


def screenshot(person: Person, name: str) -> Path:
    """The whole page as the person sees it now, top to bottom, saved as
    e2e/artifacts/screens/<name>.png for people to look at (kept after a passing run too)."""
    import base64

    SCREENS.mkdir(parents=True, exist_ok=True)
    target = SCREENS / f"{_slug(name)}.png"
    driver = person.driver
    # From the top, so the sticky header is drawn where it belongs.
    driver.execute_script("window.scrollTo({top: 0, left: 0, behavior: 'instant'})")
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics.get("contentSize")
    width = driver.execute_script("return window.innerWidth")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": min(size["height"], 6000), "scale": 1},
    })
    target.write_bytes(base64.b64decode(shot["data"]))
    return target


def collect_console(who: str, driver: webdriver.Chrome, expected_failure: str | None = None) -> None:
    """Files the console's errors since the last look. `expected_failure`: an address whose
    4xx answer was asked for on purpose (a fetch expecting 404), so its error is no finding."""
    try:
        entries = driver.get_log("browser")
    except WebDriverException:
        return
    page = driver.current_url
    for entry in entries:
        message = entry.get("message", "")
        if entry.get("level") != "SEVERE" or "favicon.ico" in message:
            continue
        # A page answered with 4xx on purpose (a form mistake is 422, a wrong password 401)
        # logs its own status; only failures of anything else on the page count.
        if message.startswith(page + " - Failed to load resource: the server responded with a status of 4"):
            continue
        if expected_failure and message.startswith(
            expected_failure + " - Failed to load resource: the server responded with a status of 4"
        ):
            continue
        FINDINGS.console_errors.append((who, page, message))


# --------------------------------------------------------------------------------------
# Failure artifacts.


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80]


def save_artifacts(test_name: str) -> list[str]:
    """A screenshot and the HTML of every window of every open browser, and the server log."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for label, driver in list(OPEN_DRIVERS):
        try:
            handles = driver.window_handles
            current = driver.current_window_handle
        except WebDriverException as error:
            saved.append(f"{label}: browser not reachable ({error.msg})")
            continue
        for index, handle in enumerate(handles):
            base = ARTIFACTS / f"{_slug(test_name)}-{label}-{index}"
            try:
                driver.switch_to.window(handle)
                url = driver.current_url
                driver.save_screenshot(f"{base}.png")
                saved.append(f"{base}.png  ({url})")
                Path(f"{base}.html").write_text(driver.page_source, encoding="utf-8")
                saved.append(f"{base}.html")
            except WebDriverException as error:
                saved.append(f"{label} window {index}: could not save ({error.msg})")
        try:
            driver.switch_to.window(current)
        except WebDriverException:
            pass
    if Server.current is not None:
        code = Server.current.process.poll()
        if code is not None:
            # Negative: killed by that signal (9 is SIGKILL, from outside; 4 or 5 a Swift trap).
            saved.append(f"kindred serve is no longer running: it exited with status {code}")
        target = ARTIFACTS / "server.log"
        try:
            shutil.copyfile(Server.current.log_path, target)
            saved.append(str(target))
        except OSError:
            pass
    return saved
