"""Safety and data rights, in two browsers (and a third, signed out): Alex takes the private
safety check from the footer and saves it for himself; Bea, in the same active bond, sees
nothing of it anywhere — not what he answered, not that he took it. Then Quick exit set to
sign out, the security log, the export (JSON and CSV), deleting a saved check, and the
"Using Kindred safely" page.

Runs after test_practise.py and reuses a bond Alex and Bea still share (or makes one). Run
alone (scripts/e2e -k safety) it signs both people up first. The tests build on each other;
a test whose earlier step failed is skipped with the reason. Every page anyone lands on is
also checked with axe-core.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import urllib.error
import urllib.request
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from support import NEUTRAL_TITLE, WAIT_SECONDS, Person, bond_settings, close_person, ensure_signed_in, new_story

RUN = uuid.uuid4().hex[:8]

# The check's questions, in order (Sources/KindredCore/Content/safety/check.yaml).
QUESTIONS = ["afraid", "hurt", "threatened", "insulted", "money", "phone", "isolated", "pressured",
             "children", "walking-on-eggshells"]
# Alex's answers: two "yes".
ALEX_YES = {"afraid", "phone"}
ALEX_ANSWERS = {q: q in ALEX_YES for q in QUESTIONS}

SUPPORTIVE = "Thank you for answering. What you've described matters, and none of it is your fault."
REASSURING = "Thank you for taking a moment for yourself. Nothing you answered points to danger right now."
SIGNS_TITLE = "What abuse and coercive control can look like"
PLAN_TITLE = "A short safety plan"
DEVICE_TITLE = "Using Kindred safely"
SAVED_NOTE = "Saved for you only. You can delete it at any time from your saved checks."
NO_SAVED = "You have no saved checks."
WRONG_PASSWORD_EVENT = "A sign-in with the wrong password"

# What they write for the export, lower case (typing capitals is harmless, but calmer without).
ALEX_THANKS = f"thank you for the walk and the soup, {RUN}."
BEA_THANKS = f"thank you for the patience on monday, {RUN}."

story, needs, done = new_story()


# --------------------------------------------------------------------------------------
# Helpers


def shared_bond(alex: Person, bea: Person) -> str | None:
    """The address of a bond Alex and Bea are both still in, from Alex's list of bonds."""
    alex.visit("/bonds")
    for item in alex.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list > li"):
        link = item.find_element(By.CSS_SELECTOR, "h2 a")
        badges = [b.text.strip() for b in item.find_elements(By.CSS_SELECTOR, ".badge")]
        if link.text.strip() == f"You and {bea.name}" and "Together" in badges:
            return re.sub(r"^https?://[^/]+", "", link.get_attribute("href"))
    return None


def make_bond(alex: Person, bea: Person, kindred) -> str:
    alex.visit("/bonds/new")
    alex.tick("kind-friendship")
    alex.submit("Make the bond")
    path = alex.path
    alex.submit("Make an invite link")
    invite = alex.value("invite-url")
    assert invite.startswith(kindred.base_url + "/join/")
    bea.visit(invite)
    bea.submit("Join the bond")
    assert bea.path == path
    return path


def bea_pages() -> list[str]:
    bond = story["bond"]
    return ["/bonds", bond, f"{bond}/today", f"{bond}/measure", f"{bond}/measure/eis", f"{bond}/appreciations",
            "/settings", "/settings/security", "/support", "/support/saved", "/support/device-safety"]


def without_tokens(body: str) -> str:
    """A page's HTML without its CSRF tokens (the only part that may differ between two loads)."""
    return re.sub(r'(name="csrf" value=")[^"]*"', r'\1"', body)


def view_of(person: Person) -> dict[str, str]:
    """Every page in bea_pages() exactly as the server sends it to this person."""
    found = {}
    for path in bea_pages():
        status, body = person.fetch(path)
        assert status == 200, (person.label, path, status)
        found[path] = without_tokens(body)
    return found


def export_of(person: Person) -> dict:
    response = person.fetch_response("/settings/export")
    assert response.status == 200, response.status
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    assert response.headers.get("content-disposition", "").startswith("attachment"), response.headers
    assert response.headers.get("cache-control") == "no-store", response.headers
    document = json.loads(response.body)
    assert document["format"] == "kindred-export/1"
    assert document["account"]["email"] == person.email
    return document


def comparable(document: dict) -> dict:
    """An export without what exporting, or simply using the site, changes: the time, the
    "exported" events, and when each session was last seen. A session's last-seen time moves
    whenever its owner opens a page a minute or more after the last touch, and the list is
    ordered by it, so on a slow machine Bea's own visits would reorder her sessions."""
    copy = dict(document)
    copy.pop("exportedAt")
    copy["securityLog"] = [e for e in document["securityLog"] if e["event"] != "exported"]
    copy["sessions"] = sorted(({k: v for k, v in s.items() if k != "lastSeenAt"} for s in document["sessions"]),
                              key=lambda s: (s["signedInAt"], s["device"]))
    return copy


def writing_in(document: dict) -> list[str]:
    """Everything the export's owner wrote themselves."""
    texts = [a["text"] for a in document["dailyAnswers"]]
    texts += [r["text"] for r in document["replies"]]
    texts += [a["text"] for a in document["appreciationsSent"]]
    texts += [c["note"] for c in document["checkins"] if c.get("note")]
    return texts


def keys_in(value) -> set[str]:
    """Every key of every object anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value)) if value else set()
    return set()


def answer(person: Person, answers: dict[str, bool]) -> None:
    for question, yes in answers.items():
        person.tick(f"question-{question}-{'yes' if yes else 'no'}")


def chosen(person: Person) -> dict[str, bool]:
    found = {}
    for radio in person.driver.find_elements(By.CSS_SELECTOR, "main form input[type=radio]:checked"):
        found[radio.get_attribute("name").removeprefix("question-")] = radio.get_attribute("value") == "yes"
    return found


def headings(person: Person, level: str = "h2") -> list[str]:
    return [h.text.strip() for h in person.driver.find_elements(By.CSS_SELECTOR, f"main {level}")]


def section_text(person: Person, title_id: str) -> str:
    return person.text(f"main section[aria-labelledby={title_id}]")


def log_rows(person: Person) -> list[list[str]]:
    """The security log's rows (When, What, Device), newest first, without the header row."""
    return person.table("Recent events on your account")[1:]


# --------------------------------------------------------------------------------------
# The private safety check


def test_alex_and_bea_share_an_active_bond(alex, bea, kindred):
    ensure_signed_in(alex, "Alex Rivers", "quiet river morning tea", f"safety.{RUN}")
    ensure_signed_in(bea, "Bea Lind", "lanterns over the harbour", f"safety.{RUN}")
    story["bond"] = shared_bond(alex, bea) or make_bond(alex, bea, kindred)
    # Her bond home shows what is new since she last looked, and looking marks it seen: look
    # now, so that what follows compares like with like.
    bea.visit(story["bond"])
    bond_settings(bea, story["bond"])
    assert bea.badges()[-1] == "Together"
    # What Bea's side looks like before Alex does anything: her export first (exporting
    # adds to her own security log), then her pages, raw from the server.
    story["bea export before"] = comparable(export_of(bea))
    story["bea before"] = view_of(bea)
    done("bond")


def test_alex_takes_the_check_from_the_footer_and_a_missing_answer_is_pointed_out(alex):
    needs("bond")
    alex.visit(story["bond"])
    footer_link = alex.link("Help and support", "footer")
    assert footer_link.get_attribute("href") == alex.server.url("/support")
    alex.follow("Help and support", "footer")
    assert alex.path == "/support"
    assert alex.h1() == "A private check for you"
    assert "Only you see this. Nothing is kept unless you choose to save it for yourself" in alex.text()
    assert "Kindred check — not a validated scale" in alex.badges("main .badge")
    fieldsets = alex.driver.find_elements(By.CSS_SELECTOR, "main form fieldset.question")
    assert [f.get_attribute("id") for f in fieldsets] == [f"question-{q}-fieldset" for q in QUESTIONS]
    assert not alex.is_checked("save"), "saving must be a choice, never the default"
    assert alex.link("Your saved checks", "main").get_attribute("href") == alex.server.url("/support/saved")
    assert "Only you will ever see it. Leave this unticked and nothing is kept." in alex.text("label[for=save]")

    # Two answered, the rest left: the form comes back with them, and the country, kept.
    answer(alex, {"afraid": True, "hurt": False})
    alex.choose("country", "gb")
    alex.submit("See what this means")
    assert alex.status() == 422
    assert alex.path == "/support"
    assert alex.h1() == "A private check for you"
    summary = alex.driver.find_element(By.CSS_SELECTOR, "main .error-summary[role=alert]")
    assert "Please check this" in summary.text
    links = [(a.get_attribute("hash"), a.text) for a in summary.find_elements(By.TAG_NAME, "a")]
    assert links == [(f"#question-{q}-fieldset", f"Question {n} of {len(QUESTIONS)}: Please choose yes or no.")
                     for n, q in enumerate(QUESTIONS, start=1) if n > 2]
    assert alex.text("#question-threatened-error") == "Please choose yes or no."
    assert alex.field("question-threatened-fieldset").get_attribute("aria-describedby") == "question-threatened-error"
    assert not alex.driver.find_elements(By.ID, "question-afraid-error")
    assert chosen(alex) == {"afraid": True, "hurt": False}, "answers already given were lost"
    assert alex.selected("country") == "gb"
    assert SUPPORTIVE not in alex.driver.page_source
    done("check mistake")


def test_alex_answers_yes_and_saves_the_check_for_himself_only(alex):
    needs("check mistake")
    answer(alex, {q: a for q, a in ALEX_ANSWERS.items() if q not in ("afraid", "hurt")})
    assert chosen(alex) == ALEX_ANSWERS
    alex.choose("country", "gb")
    alex.tick("save")
    alex.submit("See what this means")

    assert alex.status() == 200
    assert alex.path == "/support"
    assert alex.h1() == "You deserve to feel safe"
    assert alex.text("main p.lead").startswith(SUPPORTIVE)
    assert alex.text("main p.status[role=status]") == SAVED_NOTE
    assert headings(alex) == ["People who can help — United Kingdom", SIGNS_TITLE, PLAN_TITLE, DEVICE_TITLE]
    help_text = section_text(alex, "help-title")
    assert "In an emergency, call 999 (or 112)." in help_text
    assert "National Domestic Abuse Helpline (Refuge)" in help_text and "Phone: 0808 2000 247" in help_text
    # Every number can be tapped to call it.
    links = {a.text.strip(): a.get_attribute("href")
             for a in alex.driver.find_elements(By.CSS_SELECTOR, "main section[aria-labelledby=help-title] a")}
    assert links.get("999 (or 112)") == "tel:999", links
    for number, dial in (("0808 2000 247", "tel:08082000247"), ("0808 8010 327", "tel:08088010327"),
                         ("0800 999 5428", "tel:08009995428")):
        assert links.get(number) == dial, f"the helpline {number} is not a tel: link: {links}"
    assert len(alex.driver.find_elements(By.CSS_SELECTOR, "main section[aria-labelledby=plan-title] ol > li")) >= 3
    assert "Quick exit" in section_text(alex, "device-title")
    assert alex.has_link("Back to help and support", "main")
    done("check saved")


def test_the_check_is_never_cached(alex):
    """The form and the answer are served with Cache-Control: no-store. The answer is read
    here as the server sends it, posted by the page without "save" — so nothing is kept."""
    needs("check saved")
    form = alex.fetch_response("/support")
    assert form.status == 200
    assert form.headers.get("cache-control") == "no-store", form.headers
    fields = {f"question-{q}": "yes" if a else "no" for q, a in ALEX_ANSWERS.items()}
    result = alex.fetch_response("/support", {**fields, "country": "gb"})
    assert result.status == 200, result.status
    assert result.headers.get("cache-control") == "no-store", result.headers
    assert SUPPORTIVE in html.unescape(result.body)
    assert SAVED_NOTE not in html.unescape(result.body), "a check not asked to be saved says it was saved"


def test_alex_sees_his_one_saved_check(alex):
    needs("check saved")
    alex.visit("/support/saved")
    assert alex.path == "/support/saved"
    assert alex.h1() == "Your saved checks"
    items = alex.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list > li")
    # Only the check he asked to save: the one answered without "save" left nothing.
    assert len(items) == 1, [i.text for i in items]
    assert f"— {len(ALEX_YES)} of {len(QUESTIONS)} answered yes." in items[0].text
    action = items[0].find_element(By.TAG_NAME, "form").get_attribute("action")
    found = re.fullmatch(r".*/support/saved/([0-9a-f-]{36})/delete", action)
    assert found, action
    story["saved id"] = found.group(1)
    done("saved listed")


def test_bea_sees_nothing_of_alexs_check_not_even_that_he_took_it(bea, alex):
    needs("saved listed")
    # Every page of hers is exactly what it was before Alex took the check.
    after = view_of(bea)
    for path, body in story["bea before"].items():
        assert after[path] == body, f"Bea's {path} changed after Alex took the safety check"

    bea.visit("/support/saved")
    assert bea.h1() == "Your saved checks"
    assert bea.text("main p.muted") == NO_SAVED
    assert not bea.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list > li")
    bea.visit("/settings/security")
    assert bea.h1() == "Security log"
    assert "Only you can see this." in bea.text()
    for path in (*bea_pages(), "/settings/devices"):
        status, body = bea.fetch(path)
        assert story["saved id"] not in body.lower(), f"Bea's {path} holds Alex's saved check"
        assert "answered yes" not in body, f"Bea's {path} tells of a check answered yes"

    # Her export: the same as before, and no saved check or safety answers in it.
    export = export_of(bea)
    assert export["savedSafetyChecks"] == []
    assert comparable(export) == story["bea export before"], "Bea's export changed after Alex took the check"
    assert story["saved id"] not in json.dumps(export).lower()
    assert not keys_in(export) & set(QUESTIONS), "Bea's export holds safety-check answers"

    # Nor can she act on it: deleting his saved check by its id finds nothing.
    status, _ = bea.fetch(f"/support/saved/{story['saved id']}/delete", {})
    assert status == 404, status
    status, body = alex.fetch("/support/saved")
    assert story["saved id"] in body, "Bea's request removed Alex's saved check"
    done("bea saw nothing")


def test_the_server_log_holds_nothing_of_the_check(kindred):
    needs("check saved")
    log = kindred.log_path.read_text(errors="replace")
    for word in ("/support", "safety", "afraid", "walking-on-eggshells", "question-"):
        assert word not in log, f"the server log mentions {word!r}:\n{kindred.log_tail()}"


@pytest.fixture(scope="module")
def guest(browsers):
    """A third browser, signed out, for this module only."""
    person = browsers("guest")
    yield person
    close_person(person)


def test_a_signed_out_visitor_answers_no_to_everything_and_is_reassured(guest):
    guest.visit("/")
    guest.follow("Help and support", "footer")
    assert guest.path == "/support"
    assert guest.h1() == "A private check for you"
    assert not guest.driver.find_elements(By.ID, "save"), "someone signed out is offered to save a check"
    assert not guest.has_link("Your saved checks")
    answer(guest, {q: False for q in QUESTIONS})
    guest.choose("country", "general")
    guest.submit("See what this means")

    assert guest.status() == 200
    assert guest.h1() == "Thank you for checking in with yourself"
    assert guest.text("main p.lead").startswith(REASSURING)
    assert headings(guest) == ["People who can help — Anywhere", DEVICE_TITLE]
    assert PLAN_TITLE not in guest.text() and SIGNS_TITLE not in guest.text()
    assert "In an emergency, call your local emergency number." in section_text(guest, "help-title")
    assert not guest.driver.find_elements(By.CSS_SELECTOR, "main p.status[role=status]")

    guest.follow("Using Kindred safely", "footer")
    assert guest.path == "/support/device-safety"
    assert guest.h1() == DEVICE_TITLE
    assert not guest.has_link("Your devices", "main"), "a signed-out visitor is offered someone's devices"


# --------------------------------------------------------------------------------------
# Devices and Quick exit that signs out


def test_alex_sets_quick_exit_to_sign_him_out(alex, kindred):
    needs("bond")
    alex.visit("/settings")
    alex.follow("Devices", "main")
    assert alex.path == "/settings/devices"
    assert alex.h1() == "Devices"
    rows = alex.table("Browsers signed in to your account")
    assert rows[0][:3] == ["Device", "Signed in", "Last active"]
    current = [r for r in rows[1:] if r[0].endswith("(this one)")]
    assert len(current) == 1, rows
    assert current[0][0] == "Chrome on Linux (this one)", current
    assert alex.link("Quick exit", "header").get_attribute("href") == kindred.quick_exit_url
    assert not alex.is_checked("signOut")

    alex.tick("signOut")
    alex.submit("Save")
    assert alex.path == "/settings/devices"
    assert alex.flash() == "Your settings are saved."
    assert alex.is_checked("signOut")
    # The sign-out link carries a token only this session's pages know (a link from another
    # site to /exit signs no one out).
    href = alex.link("Quick exit", "header").get_attribute("href")
    assert re.fullmatch(re.escape(kindred.url("/exit?t=")) + "[0-9a-f]{32}", href), href
    # A link to plain /exit from anywhere else only opens the neutral site: Alex stays signed in.
    alex.visit("/exit")
    WebDriverWait(alex.driver, WAIT_SECONDS).until(lambda d: d.title == NEUTRAL_TITLE)
    alex.visit("/settings/devices")
    assert alex.path == "/settings/devices", alex.path
    done("exit signs out")


def test_quick_exit_signs_alex_out_and_back_does_not_return(alex, kindred):
    needs("exit signs out")
    driver = alex.driver
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        alex.visit(story["bond"])
        assert alex.h1().startswith("You and ")
        old_cookies = driver.get_cookies()
        before = driver.execute_script("return window.history.length")
        alex.link("Quick exit", "header").click()

        WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.title == NEUTRAL_TITLE)
        assert driver.current_url == kindred.quick_exit_url
        assert driver.execute_script("return window.history.length") == before, "Quick exit added a history entry"
        driver.back()
        WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert not kindred.is_ours(driver.current_url), f"Back returned to Kindred ({driver.current_url})"

        alex.visit(story["bond"])
        assert alex.path.startswith("/sign-in"), alex.path
        assert alex.h1() == "Sign in"
        assert alex.flash() == "Please sign in to continue."
        assert "My bonds" not in alex.text("nav.site-nav")

        # Not only the cookie is gone: the session itself ended on the server.
        for cookie in old_cookies:
            driver.add_cookie({k: v for k, v in cookie.items() if k in ("name", "value", "path", "httpOnly", "secure", "sameSite")})
        alex.visit("/bonds")
        assert alex.path.startswith("/sign-in"), "the old session cookie still signs Alex in"

        alex.type_into("email", alex.email)
        alex.type_into("password", alex.password)
        alex.submit("Sign in")
        # Signing in lands on the list of bonds, or on the home of the only active one (when
        # this module runs alone).
        assert (alex.path, alex.h1()) == ("/bonds", "My bonds") or alex.path == story["bond"], alex.path
    finally:
        driver.close()
        driver.switch_to.window(first)
    done("signed in again")


def test_alex_turns_quick_exit_sign_out_off_again(alex, kindred):
    needs("signed in again")
    alex.visit("/settings/devices")
    assert alex.is_checked("signOut"), "the setting did not last"
    alex.untick("signOut")
    alex.submit("Save")
    assert alex.flash() == "Your settings are saved."
    assert not alex.is_checked("signOut")
    assert alex.link("Quick exit", "header").get_attribute("href") == kindred.quick_exit_url


# --------------------------------------------------------------------------------------
# The security log


def wrong_password_count(rows: list[list[str]]) -> int:
    """How many wrong passwords the log's entries add up to: "(3 times)" or one each."""
    total = 0
    for row in rows:
        if row[1].startswith(WRONG_PASSWORD_EVENT):
            times = re.search(r"\((\d+) times\)$", row[1])
            total += int(times.group(1)) if times else 1
    return total


def test_alexs_security_log_shows_a_wrong_password_but_beas_never_does(alex, bea, guest):
    needs("signed in again")
    alex.visit("/settings/security")
    assert alex.h1() == "Security log"
    assert "Only you can see this." in alex.text()
    rows = log_rows(alex)
    assert rows[0][1:] == ["Signed in", "Chrome on Linux"], rows[:3]
    failures_before = wrong_password_count(rows)
    bea_before = without_tokens(bea.fetch("/settings/security")[1])

    # Someone else tries his account with the wrong password.
    guest.visit("/sign-in")
    guest.type_into("email", alex.email)
    guest.type_into("password", "was it the name of the dog")
    guest.submit("Sign in")
    assert guest.status() == 401
    assert "We couldn't sign you in" in guest.text(".error-summary")

    alex.visit("/settings/security")
    rows = log_rows(alex)
    # A burst of failures is one entry with a count (15 minutes apart make a new one), newest first.
    assert rows[0][1].startswith(WRONG_PASSWORD_EVENT) and rows[0][2] == "Chrome on Linux", rows[:3]
    assert wrong_password_count(rows) == failures_before + 1, rows[:4]
    assert "Signed in" in [row[1] for row in rows[1:3]], rows[:3]

    status, body = bea.fetch("/settings/security")
    assert status == 200
    assert without_tokens(body) == bea_before, "Bea's security log changed when Alex's account was tried"
    assert WRONG_PASSWORD_EVENT not in body, "Bea's security log shows a wrong-password attempt she never made"
    done("security log")


# --------------------------------------------------------------------------------------
# Export


def test_the_export_holds_alexs_own_writing_and_never_beas(alex, bea):
    needs("bond", "saved listed")
    for person, text in ((alex, ALEX_THANKS), (bea, BEA_THANKS)):
        status, body = person.fetch(f"{story['bond']}/appreciations", {"text": text})
        assert status == 200, (person.label, status)
        assert "Sent. A small thing, and it matters." in html.unescape(body)

    mine = export_of(alex)
    theirs = export_of(bea)
    mine_raw, theirs_raw = json.dumps(mine, ensure_ascii=False), json.dumps(theirs, ensure_ascii=False)
    assert ALEX_THANKS in [a["text"] for a in mine["appreciationsSent"]]
    assert BEA_THANKS in [a["text"] for a in theirs["appreciationsSent"]]
    assert story["bond"].rsplit("/", 1)[1] in [b["id"].lower() for b in mine["bonds"]]
    for text in writing_in(theirs):
        assert text not in mine_raw, f"Alex's export holds what Bea wrote: {text!r}"
    for text in writing_in(mine):
        assert text not in theirs_raw, f"Bea's export holds what Alex wrote: {text!r}"
    assert bea.email not in mine_raw and alex.email not in theirs_raw

    # His saved check is his, with what he answered; hers has none.
    assert [(c["id"].lower(), c["answers"], c["country"]) for c in mine["savedSafetyChecks"]] == [
        (story["saved id"], ALEX_ANSWERS, "gb")
    ]
    assert theirs["savedSafetyChecks"] == []
    events = [e["event"] for e in mine["securityLog"]]
    if "security log" in story["done"]:
        assert "sign-in-failed" in events and "signed-in" in events, events
    assert "sign-in-failed" not in [e["event"] for e in theirs["securityLog"]]

    # The CSV: a header row, then one row per questionnaire he answered — his only.
    response = alex.fetch_response("/settings/export/assessments.csv")
    assert response.status == 200
    assert response.headers.get("content-type", "").startswith("text/csv"), response.headers
    assert response.headers.get("content-disposition", "").startswith("attachment"), response.headers
    rows = list(csv.reader(io.StringIO(response.body)))
    assert rows[0][:8] == ["assessment_id", "bond_id", "instrument", "instrument_version", "mode", "shared", "taken_at", "score"]
    assert sorted(r[0] for r in rows[1:]) == sorted(a["id"].lower() for a in mine["assessments"])
    assert all(len(r) == len(rows[0]) for r in rows[1:]), "CSV rows and header differ in length"
    for assessment in theirs["assessments"]:
        assert assessment["id"].lower() not in response.body, "Alex's CSV holds Bea's assessment"

    # Both exports are in their owner's security log, and only there.
    alex.visit("/settings/security")
    assert log_rows(alex)[0][1] == "Data exported"
    done("exported")


def test_alex_deletes_his_saved_check(alex):
    needs("saved listed")
    alex.visit("/support/saved")
    alex.submit("Delete")
    assert alex.path == "/support/saved"
    assert alex.flash() == "Deleted. That check is gone."
    assert alex.text("main p.muted") == NO_SAVED
    assert export_of(alex)["savedSafetyChecks"] == []
    status, _ = alex.fetch(f"/support/saved/{story['saved id']}/delete", {})
    assert status == 404, "a deleted check could be deleted again"


def api(kindred, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    """A client app's request to the API (not the browser's)."""
    request = urllib.request.Request(kindred.url(path), method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", "User-Agent": "KindredTestApp/1.0",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_alex_sees_the_app_he_signed_in_to_and_revokes_it(alex, kindred):
    needs("bond")
    status, made = api(kindred, "POST", "/api/v1/tokens", {"email": alex.email, "password": alex.password,
                                                            "name": "Kitchen tablet", "idleDays": 30})
    assert status == 201, made
    assert made["idleDays"] == 30
    alex.visit("/settings/devices")
    assert "Apps with access" in headings(alex)
    entry = alex.text("ul.device-list li")
    assert entry.startswith("Kitchen tablet"), entry
    assert "last used: not yet" in entry and "ends if unused until" in entry, entry

    alex.click_through(alex.driver.find_element(By.CSS_SELECTOR, "form[action^='/settings/devices/tokens/'] button"))
    assert alex.path == "/settings/devices"
    assert alex.flash() == "That app's access is ended."
    assert "Kitchen tablet" not in alex.text("main")
    status, _ = api(kindred, "GET", "/api/v1/me", token=made["token"])
    assert status == 401, "a revoked token still works"


# --------------------------------------------------------------------------------------
# Using Kindred safely


def test_using_kindred_safely_is_in_every_footer(alex):
    needs("bond")
    alex.visit(story["bond"])
    alex.follow("Using Kindred safely", "footer")
    assert alex.path == "/support/device-safety"
    assert alex.h1() == DEVICE_TITLE
    text = alex.text()
    assert "Quick exit, at the top of every page" in text
    assert headings(alex) == ["If you share a device", "If someone may know your password", "Notifications and email"]
    # How notices can give Kindred away, and how to stop them.
    assert "can show someone that you use Kindred" in text
    assert "To stop them, open Settings → Reminders" in text
    assert alex.link("Your devices", "main").get_attribute("href") == alex.server.url("/settings/devices")
    assert alex.link("Your security log", "main").get_attribute("href") == alex.server.url("/settings/security")
    assert alex.has_link("Back to help and support", "main")
