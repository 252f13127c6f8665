"""Coming back every day (issue 10), in two browsers: Alex on a desktop in one time zone,
Bea on a 390 px phone in another, share a new bond and use it as a couple would over one
day. Where they land when they sign in; the bond home's order and what is new from each
side (never anything still private); asking for another question; passing, kept quiet until
the other has acted; a nudge seen on the other's home; reactions on a revealed day and on an
appreciation, from both sides; the bond's decks and depth; reminder settings on the phone's
own clock; installability (manifest and service worker); sharing an invite (Web Share, the
copy fallback, and email); tappable helplines; a password reset through the operator's link;
the page-not-found page. Each new page is also saved at phone width in
e2e/artifacts/screens/ for people to look at.

Runs after every other journey (conftest.MODULE_ORDER) and reuses Alex and Bea; run alone
(scripts/e2e -k daily_return) it signs both up first. The two time zones are chosen so that
it is the same date for both now, so "today" reads the same on both clocks. The tests build
on each other; a test whose earlier step failed is skipped with the reason. Every page
either person lands on is also checked with axe-core, for overflow and for Quick exit.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from support import WAIT_SECONDS, Person, bond_settings, ensure_signed_in, new_story, screenshot, set_time_zone

RUN = uuid.uuid4().hex[:8]

# What they write (lower case: typing capitals is harmless, but calmer without).
ALEX_ANSWER = f"the first cup of coffee on the step, before anyone else is up. {RUN}"
BEA_ANSWER = f"the walk home along the canal when the lights come on. {RUN}"
APPRECIATION = f"thank you for leaving the porch light on for me. {RUN}"
INVITE_MESSAGE = f"come and try this with me, it is only one question a day. {RUN}"
SPARE_MESSAGE = f"one more space, for our walks. {RUN}"
NEW_PASSWORD = "copper kettle on a slow sunday"
EVENINGS = "our evenings"
WALKS = "our walks"

SWAPPED = "Here's another question for today. You'll both see this one."
NUDGED = "Nudge sent. They'll see that you'd love to hear their answer."
PASSED = "Passed for today."
ANSWER_SAVED = "Your answer is saved. It stays private until you've both answered."
REACTED = "Reaction added."
REACTION_REMOVED = "Reaction taken back."
THEMES_SAVED = "Saved. Your next question will come from what you chose."
REMINDERS_SAVED = "Your reminders are saved."
NO_CHANNEL = "Choose how to reach you: by email, as a notification, or both."
RESET_DONE = "Your password is changed, and every device was signed out. Sign in with your new password."
RESET_ACCEPTED = "If that address belongs to an account, a link to reset its password is on its way. It works once, for 30 minutes."
NO_DAYS_YET = "Today is a lovely day to answer together."
EIS_SUGGESTION = (
    "Emotional Intimacy Scale: 5 short questions, a few quiet minutes. "
    "Only you see your answers unless you share them."
)
REACTIONS = [("heart", "❤️", "Love"), ("hug", "🤗", "Hug"), ("laugh", "😄", "Laugh"), ("wow", "😮", "Wow"),
             ("thanks", "🙏", "Thank you")]
DECKS = ["deeper", "everyday", "hopes", "memories", "partners", "us"]

# Two zones some hours apart where it is the same date now, and will be for the next hour
# or so: London and New York most of the day, Tokyo and Dubai the rest.
ZONE_PAIRS = [("Europe/London", "America/New_York"), ("Asia/Tokyo", "Asia/Dubai")]

story, needs, done = new_story()


# --------------------------------------------------------------------------------------
# Helpers


def two_zones() -> tuple[str, str]:
    now = datetime.now(timezone.utc)
    for first, second in ZONE_PAIRS:
        a, b = now.astimezone(ZoneInfo(first)), now.astimezone(ZoneInfo(second))
        if a.date() == b.date() and all(1 <= t.hour + t.minute / 60 <= 22.5 for t in (a, b)):
            return first, second
    raise AssertionError(f"no pair of zones shares a date comfortably at {now:%H:%M} UTC: add one to ZONE_PAIRS")


def home() -> str:
    return story["bond"]


def today_path() -> str:
    return f"{story['bond']}/today"


def section(person: Person, title_id: str) -> str:
    found = person.driver.find_elements(By.CSS_SELECTOR, f"main section[aria-labelledby={title_id}]")
    return found[0].text if found else ""


def sections(person: Person) -> list[str]:
    """The bond home's sections, in order, by their headings' ids."""
    return person.driver.execute_script(
        "return Array.from(document.querySelectorAll('main section[aria-labelledby]'), s => s.getAttribute('aria-labelledby'))"
    )


def news(person: Person) -> list[str]:
    """"New since you last looked" on the bond home now shown."""
    return [li.text.strip() for li in person.driver.find_elements(
        By.CSS_SELECTOR, "main section[aria-labelledby=news-title] li")]


def today_state(person: Person) -> str:
    """The bond home's sentence about today's question (the paragraph after the prompt)."""
    paragraphs = person.driver.find_elements(By.CSS_SELECTOR, "main section[aria-labelledby=today-title] > p")
    texts = [p.text.strip() for p in paragraphs if "prompt" not in (p.get_attribute("class") or "")
             and "muted" not in (p.get_attribute("class") or "")]
    return texts[0] if texts else ""


def home_prompt(person: Person) -> str:
    return person.text("main section[aria-labelledby=today-title] .prompt").strip()


def card_news(person: Person, title: str) -> str:
    """What a bond's card on My bonds says is new ("" when nothing)."""
    for item in person.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list > li"):
        if item.find_element(By.CSS_SELECTOR, "h2 a").text.strip() == title:
            lines = item.find_elements(By.CSS_SELECTOR, ".news-line")
            return lines[0].text.strip() if lines else ""
    raise AssertionError(f"{person.label} has no bond {title!r} on {person.path}")


def day_card(person: Person) -> WebElement:
    cards = person.driver.find_elements(By.CSS_SELECTOR, "main section.card.day")
    assert len(cards) == 1, f"{person.label} sees {len(cards)} day cards on {person.path}"
    return cards[0]


def prompt(person: Person) -> str:
    return day_card(person).find_element(By.CSS_SELECTOR, "h2.prompt").text.strip()


def card_status(person: Person) -> str:
    found = day_card(person).find_elements(By.CSS_SELECTOR, ".status[role=status]")
    return found[0].text.strip() if found else ""


def answers(person: Person) -> dict[str, str]:
    found = {}
    for block in day_card(person).find_elements(By.CSS_SELECTOR, ".answer"):
        found[block.find_element(By.TAG_NAME, "h3").text.strip()] = block.find_element(By.CSS_SELECTOR, ".answer-text").text.strip()
    return found


def buttons(person: Person, within: str = "main") -> list[str]:
    return [b.text.strip() for b in person.driver.find_elements(By.CSS_SELECTOR, f"{within} button") if b.is_displayed()]


def swapped_line(person: Person) -> str:
    found = day_card(person).find_elements(By.CSS_SELECTOR, ":scope > p.muted")
    return " ".join(p.text.strip() for p in found[1:])  # the first is the date and badges


def reaction_buttons(person: Person, form: WebElement | None = None) -> dict[str, str]:
    """The reaction buttons (value -> aria-pressed) in a reactions form (or the page's first)."""
    scope = form or person.driver.find_element(By.CSS_SELECTOR, "main form.reactions")
    return {b.get_attribute("value"): b.get_attribute("aria-pressed") for b in scope.find_elements(By.CSS_SELECTOR, "button.reaction")}


def react(person: Person, value: str, form: WebElement | None = None) -> None:
    scope = form or person.driver.find_element(By.CSS_SELECTOR, "main form.reactions")
    person.click_through(scope.find_element(By.CSS_SELECTOR, f"button[name=reaction][value='{value}']"))


def their_reaction(person: Person, within: str = "main") -> str:
    found = person.driver.find_elements(By.CSS_SELECTOR, f"{within} .their-reaction")
    return found[0].text.strip() if found else ""


def assert_private(person: Person, *texts: str) -> None:
    source = person.driver.page_source
    for text in texts:
        assert text not in source, f"{person.label} can see {text!r} on {person.path}"


def sign_in(person: Person, password: str | None = None) -> None:
    person.visit("/sign-in")
    person.type_into("email", person.email)
    person.type_into("password", password or person.password)
    person.submit("Sign in")


def sign_out(person: Person) -> None:
    person.visit("/settings")
    person.submit("Sign out", "nav")
    assert person.flash() == "You've signed out. See you soon."


def active_bonds(person: Person) -> list[tuple[str, str]]:
    """(title, path) of every bond on My bonds whose status is Together."""
    person.visit("/bonds")
    found = []
    for item in person.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list > li"):
        link = item.find_element(By.CSS_SELECTOR, "h2 a")
        if "Together" in [b.text.strip() for b in item.find_elements(By.CSS_SELECTOR, ".badge")]:
            found.append((link.text.strip(), re.sub(r"^https?://[^/]+", "", link.get_attribute("href"))))
    return found


def make_bond(person: Person, kind: str, name: str) -> str:
    person.visit("/bonds/new")
    person.tick(f"kind-{kind}")
    person.type_into("name", name)
    person.submit("Make the bond")
    assert re.fullmatch(r"/bonds/[0-9a-fA-F-]{36}", person.path), person.path
    assert person.h1() == name
    return person.path


def js_result(person: Person, script: str, *args):
    """Runs an async script whose last argument is the callback; returns what it passes."""
    return person.driver.execute_async_script(script, *args)


def grant_clipboard(person: Person) -> None:
    person.driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": person.server.base_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
    })


def local_day_text(moment: datetime) -> str:
    """A date as Kindred writes it in English: "1 December 2026"."""
    return f"{moment.day} {moment:%B %Y}"


# --------------------------------------------------------------------------------------
# A bond between two time zones, and the invite shared with Web Share


FAKE_SHARE = """
window.__shared = [];
Object.defineProperty(Navigator.prototype, "share", {
  configurable: true,
  value: function (data) { window.__shared.push(data); return Promise.resolve(); }
});
"""


def test_alex_and_bea_start_a_bond_in_two_time_zones_and_alex_shares_the_invite(alex, bea, kindred):
    ensure_signed_in(alex, "Alex Rivers", "quiet river morning tea", f"daily.{RUN}", "Europe/London")
    ensure_signed_in(bea, "Bea Lind", "lanterns over the harbour", f"daily.{RUN}", "America/New_York")
    story["zones"] = two_zones()
    set_time_zone(alex, story["zones"][0])
    set_time_zone(bea, story["zones"][1])

    story["bond"] = make_bond(alex, "romantic", EVENINGS)
    assert alex.flash() == "Your bond is ready. Invite the other person with a link."
    assert alex.has_link("Bond settings", "main .bond-heading")
    assert sections(alex) == ["invite-title"], "a waiting bond's home offers more than the invite"

    # A browser that can share (as phones do): Kindred's Share button, with editable words.
    script = alex.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_SHARE})
    try:
        alex.submit("Make an invite link")
        assert alex.h1() == "Your invite link is ready"
        url = alex.value("invite-url")
        assert url.startswith(kindred.base_url + "/join/")
        story["invite"] = url
        share = alex.button("Share…")
        copy = alex.driver.find_element(By.CSS_SELECTOR, "main [data-copy-message]")
        assert not copy.is_displayed(), "the copy fallback shows although the browser can share"
        code = alex.driver.find_element(By.CSS_SELECTOR, "main .invite-code")
        assert code.text.strip() and code.text.strip() in url
        lines = alex.driver.execute_script("return arguments[0].getClientRects().length", code)
        assert lines == 1, f"the invite code is split across {lines} lines"
        assert alex.value("message"), "no ready-written message to share"
        alex.type_into("message", INVITE_MESSAGE)
        share.click()
        shared = WebDriverWait(alex.driver, WAIT_SECONDS).until(lambda d: d.execute_script("return window.__shared"))
        assert len(shared) == 1 and shared[0]["text"] == INVITE_MESSAGE and shared[0]["url"] == url, shared
        assert shared[0].get("title"), shared
        WebDriverWait(alex.driver, WAIT_SECONDS).until(lambda d: alex.text("#share-status"))
        assert alex.text("#share-status") == "Shared. They can join with the link once."
    finally:
        alex.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})

    bea.visit(url)
    assert bea.h1() == f"{alex.name} invited you"
    assert f"called “{EVENINGS}”" in bea.text()
    bea.submit("Join the bond")
    assert bea.path == home()
    assert bea.flash() == "You're in. This is the home you share."
    done("bond")


def test_bea_makes_a_second_bond_on_her_phone_and_sends_the_invite_by_email(bea, alex, mailbox, kindred):
    """A phone without Web Share: the copy fallback copies her words and the link; then the
    same invite goes by email, and Alex joins from the link in it."""
    needs("bond")
    story["walks"] = make_bond(bea, "friendship", WALKS)
    assert sections(bea) == ["invite-title"], sections(bea)
    screenshot(bea, "phone-bond-home-waiting")
    bea.submit("Make an invite link")
    assert bea.h1() == "Your invite link is ready"
    url = bea.value("invite-url")
    assert not bea.driver.find_element(By.CSS_SELECTOR, "main [data-share-message]").is_displayed(), (
        "a Share button shows in a browser without Web Share"
    )
    grant_clipboard(bea)
    bea.type_into("message", SPARE_MESSAGE)
    copy = bea.button("Copy the message and link")
    copy.click()
    WebDriverWait(bea.driver, WAIT_SECONDS).until(lambda d: bea.text("#share-status"))
    assert bea.text("#share-status") == "Copied your message and the link. Paste them into a message to them."
    copied = js_result(bea, "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('failed: ' + e))")
    assert copied == f"{SPARE_MESSAGE}\n\n{url}", copied
    screenshot(bea, "phone-invite-created")

    bea.type_into("email", alex.email)
    before = len(mailbox.to(alex.email))  # his sign-up link came before
    bea.submit("Send by email")
    assert bea.h1() == "Your invite link is ready"
    assert bea.text("main p.flash[role=status]").startswith(f"Sent to {alex.email}."), bea.text("main")
    assert bea.value("invite-url") == url, "the page shows another link after sending"
    mails = mailbox.wait_for(alex.email, before + 1)
    assert len(mails) > before, f"no invite email reached {alex.email}"
    body = mails[-1].get_body(("plain",)).get_content()
    assert SPARE_MESSAGE in body and url in body, body
    assert bea.name in (mails[-1]["Subject"] + body)
    found = re.search(re.escape(kindred.base_url) + r"/join/[A-Za-z0-9_-]+", body)
    alex.visit(found.group(0))
    assert alex.h1() == f"{bea.name} invited you"
    alex.submit("Join the bond")
    assert alex.path == story["walks"]
    done("two bonds")


# --------------------------------------------------------------------------------------
# The bond home


def test_the_bond_home_leads_with_today_then_the_week_then_one_suggestion(alex, bea):
    needs("bond")
    alex.visit(home())
    assert alex.h1() == EVENINGS
    assert alex.link("Bond settings", "main .bond-heading").get_attribute("href") == alex.server.url(home() + "/settings")
    assert sections(alex) == ["today-title", "week-title", "suggestion-title"], sections(alex)
    today = section(alex, "today-title")
    assert today.startswith("Today's question")
    assert home_prompt(alex)
    assert today_state(alex) == "Neither of you has answered yet."
    assert alex.has_link("Answer today's question", "main section[aria-labelledby=today-title]")
    assert f"Nudge {bea.name}" in buttons(alex, "main section[aria-labelledby=today-title]")
    assert NO_DAYS_YET in today
    assert EIS_SUGGESTION in section(alex, "suggestion-title")
    assert alex.has_link("How close you feel: all questionnaires", "main")
    # Who's here, the badges, invites and leaving are on the settings page, not here.
    for gone in ("Who's here", "Leave this bond", "Together", "Partners"):
        assert gone not in alex.text("main"), f"the bond home still shows {gone!r}"
    story["first prompt"] = home_prompt(alex)

    bond_settings(bea, home())
    assert bea.badges() == ["Partners", "Together"]
    members = bea.text("main section[aria-labelledby=members-title]")
    assert f"{bea.name} (you)" in members and alex.name in members
    assert bea.has_link("Leave this bond", "main")
    assert "Drawn from: Every deck · Deepen as we go" in bea.text("main section[aria-labelledby=themes-title]")
    screenshot(bea, "phone-bond-settings")
    done("home")


# --------------------------------------------------------------------------------------
# Another question, a nudge, and what is new


def test_bea_asks_for_another_question_and_both_see_it(bea, alex):
    needs("home")
    bea.visit(home())
    assert home_prompt(bea) == story["first prompt"], "Alex and Bea have different questions today"
    bea.follow("Answer today's question", "main")
    assert bea.path == today_path()
    assert {"Ask for another question", "Pass today", f"Nudge {alex.name}"} <= set(buttons(bea))
    hint = bea.text("main section.day-controls .hint")
    assert "Another question is possible once a day, before either of you answers." in hint
    assert "Passing costs nothing: it's just this one day." in hint
    screenshot(bea, "phone-today-controls")

    bea.submit("Ask for another question")
    assert bea.path == today_path()
    assert bea.flash() == SWAPPED
    story["prompt"] = prompt(bea)
    assert story["prompt"] != story["first prompt"], "asking for another question kept the same one"
    assert "You asked for another question today." in swapped_line(bea)
    assert "Ask for another question" not in buttons(bea), "another question can be asked for twice"

    alex.visit(today_path())
    assert prompt(alex) == story["prompt"], "Alex still sees the old question"
    assert f"{bea.name} asked for another question today." in swapped_line(alex)
    assert "Ask for another question" not in buttons(alex), "Alex may swap again on the same day"
    alex.visit(home())
    assert home_prompt(alex) == story["prompt"]
    assert f"{bea.name} asked for another question today." in section(alex, "today-title")
    # The old prompt is gone from both.
    assert story["first prompt"] not in alex.text("main")
    done("swapped")


def test_alex_nudges_bea_from_the_home_once(alex, bea):
    needs("swapped")
    alex.visit(home())
    alex.submit(f"Nudge {bea.name}", "main section[aria-labelledby=today-title]")
    assert alex.path == home()
    assert alex.flash() == NUDGED
    assert f"You nudged {bea.name} today." in section(alex, "today-title")
    assert f"Nudge {bea.name}" not in buttons(alex), "a second nudge is offered the same day"
    alex.visit(today_path())
    assert f"Nudge {bea.name}" not in buttons(alex)
    assert f"You nudged {bea.name} today." in alex.text("main")
    done("nudged")


def test_with_two_bonds_bea_lands_on_her_bonds_each_saying_what_is_new(bea, alex):
    needs("nudged", "two bonds")
    sign_out(bea)
    sign_in(bea)
    assert bea.path == "/bonds" and bea.h1() == "My bonds", f"with several bonds, signing in led to {bea.path}"
    nudge = f"{alex.name} would love to hear your answer today."
    assert card_news(bea, EVENINGS).startswith(nudge), card_news(bea, EVENINGS)
    screenshot(bea, "phone-bonds-with-news")
    bea.visit("/")
    assert bea.path == "/bonds", "the start page does not lead to the list with several bonds"

    # The home says what is new, once: looking marks it seen.
    bea.follow(EVENINGS, "main")
    assert bea.path == home()
    assert nudge in news(bea), news(bea)
    assert sections(bea)[:3] == ["today-title", "news-title", "week-title"], sections(bea)
    screenshot(bea, "phone-bond-home-with-news")
    bea.visit(home())
    assert not news(bea) and "news-title" not in sections(bea), "what was new is still new after looking"
    bea.visit("/bonds")
    assert not card_news(bea, EVENINGS), "My bonds still says what is new after she looked"
    # Alex sees nothing new of his own doing.
    alex.visit(home())
    assert not news(alex), news(alex)
    done("landing several")


# --------------------------------------------------------------------------------------
# Passing, kept quiet until the other has acted


def test_bea_passes_and_alex_sees_nothing_of_it(bea, alex):
    needs("swapped")
    bea.visit(today_path())
    bea.submit("Pass today")
    assert bea.flash() == PASSED
    assert card_status(bea) == (
        "You passed today. That's all right — there's a new question tomorrow, and you can still answer if you change your mind."
    )
    assert "Pass today" not in buttons(bea)
    assert bea.field("text").is_displayed(), "after passing she can no longer change her mind and answer"
    screenshot(bea, "phone-today-passed")
    bea.visit(home())
    assert today_state(bea) == "You passed today. That's all right — there's a new question tomorrow."

    alex.visit(home())
    assert today_state(alex) == "Neither of you has answered yet.", "Alex learns of Bea's pass before he acts"
    assert not news(alex), news(alex)
    for path in (home(), today_path(), f"{home()}/days", "/bonds"):
        alex.visit(path)
        assert "passed" not in alex.driver.page_source.lower(), f"Alex's {path} tells of Bea's pass"
    done("passed")


def test_alex_answers_then_sees_bea_passed_and_she_sees_he_answered_but_not_what(alex, bea):
    needs("passed")
    alex.visit(today_path())
    alex.type_into("text", ALEX_ANSWER)
    alex.submit("Save my answer")
    assert alex.flash() == ANSWER_SAVED
    assert card_status(alex) == f"{bea.name} passed today, and that's all right. If they answer after all, you'll see each other's."
    assert answers(alex) == {"Your answer": ALEX_ANSWER}
    assert alex.text("main").count(ALEX_ANSWER) == 1, "his answer is shown twice while waiting"
    alex.visit(home())
    assert today_state(alex) == f"{bea.name} passed today, and that's all right."

    bea.visit(home())
    assert today_state(bea) == f"You passed today, and {alex.name} answered. Changed your mind? You can still answer."
    assert f"{alex.name} answered today's question." in news(bea), news(bea)
    assert_private(bea, ALEX_ANSWER)
    bea.visit(today_path())
    assert card_status(bea) == (
        f"You passed today, and {alex.name} answered. Changed your mind? Answer too, and you'll see each other's."
    )
    assert_private(bea, ALEX_ANSWER)
    for path in (today_path(), f"{home()}/days", "/bonds"):
        status, body = bea.fetch(path)
        assert status == 200 and ALEX_ANSWER not in body, f"the server sent Bea Alex's unrevealed answer in {path}"
    done("alex answered")


def test_bea_changes_her_mind_and_answers_and_both_see_both(bea, alex):
    needs("alex answered")
    bea.visit(today_path())
    bea.type_into("text", BEA_ANSWER)
    bea.submit("Save my answer")
    assert bea.flash() == ANSWER_SAVED
    assert answers(bea) == {"You": BEA_ANSWER, alex.name: ALEX_ANSWER}
    assert prompt(bea) == story["prompt"]

    alex.visit(home())
    assert today_state(alex) == "You've both answered. Read each other's."
    assert f"{bea.name} answered today's question." in news(alex), news(alex)
    alex.follow("Read your answers", "main")
    assert answers(alex) == {"You": ALEX_ANSWER, bea.name: BEA_ANSWER}
    done("revealed")


# --------------------------------------------------------------------------------------
# Reactions


def test_reactions_on_the_revealed_day_from_both_sides(bea, alex):
    needs("revealed")
    bea.visit(today_path())
    form = bea.driver.find_element(By.CSS_SELECTOR, "main form.reactions")
    assert form.find_element(By.TAG_NAME, "legend").text.strip() == "React to today's answers"
    assert reaction_buttons(bea) == {value: "false" for value, _, _ in REACTIONS}
    labels = [b.text.strip() for b in form.find_elements(By.CSS_SELECTOR, "button.reaction")]
    assert labels == [f"{emoji} {label}" for _, emoji, label in REACTIONS], labels
    assert "Take back my reaction" not in buttons(bea)

    react(bea, "heart")
    assert bea.path == today_path()
    assert bea.flash() == REACTED
    assert reaction_buttons(bea) == {value: "true" if value == "heart" else "false" for value, _, _ in REACTIONS}
    assert "Take back my reaction" in buttons(bea)
    screenshot(bea, "phone-today-revealed-reactions")

    alex.visit(home())
    assert f"{bea.name} reacted ❤️ to your answers to today's question." in news(alex), news(alex)
    alex.visit(today_path())
    assert their_reaction(alex) == f"{bea.name} reacted ❤️ Love"
    assert reaction_buttons(alex) == {value: "false" for value, _, _ in REACTIONS}, "Alex's buttons show Bea's choice"

    # Changed, then taken back: Alex sees each.
    react(bea, "hug")
    assert reaction_buttons(bea)["hug"] == "true" and reaction_buttons(bea)["heart"] == "false"
    alex.visit(today_path())
    assert their_reaction(alex) == f"{bea.name} reacted 🤗 Hug"
    bea.submit("Take back my reaction")
    assert bea.flash() == REACTION_REMOVED
    assert reaction_buttons(bea) == {value: "false" for value, _, _ in REACTIONS}
    alex.visit(today_path())
    assert not their_reaction(alex), "a reaction taken back still shows"

    react(alex, "thanks")
    assert alex.flash() == REACTED
    bea.visit(today_path())
    assert their_reaction(bea) == f"{alex.name} reacted 🙏 Thank you"
    # The day's own page in past days shows the same.
    bea.visit(f"{home()}/days")
    bea.follow(story["prompt"], "main")
    assert their_reaction(bea) == f"{alex.name} reacted 🙏 Thank you"
    done("reactions")


def test_reactions_on_an_appreciation_from_both_sides(alex, bea):
    needs("bond")
    alex.visit(f"{home()}/appreciations")
    alex.type_into("text", APPRECIATION)
    alex.submit("Send")
    assert alex.flash() == "Sent. A small thing, and it matters."
    sent = alex.driver.find_element(By.CSS_SELECTOR, "main section[aria-labelledby=sent-title]")
    assert not sent.find_elements(By.CSS_SELECTOR, "button.reaction"), "Alex can react to his own appreciation"

    bea.visit(home())
    assert f"{alex.name} sent you an appreciation." in news(bea), news(bea)
    bea.follow("Appreciations", "main")
    received = bea.driver.find_element(By.CSS_SELECTOR, "main section[aria-labelledby=received-title]")
    note = [li for li in received.find_elements(By.CSS_SELECTOR, "li") if APPRECIATION in li.text][0]
    form = note.find_element(By.CSS_SELECTOR, "form.reactions")
    assert reaction_buttons(bea, form) == {value: "false" for value, _, _ in REACTIONS}
    react(bea, "hug", form)
    assert bea.flash() == REACTED
    received = bea.driver.find_element(By.CSS_SELECTOR, "main section[aria-labelledby=received-title]")
    note = [li for li in received.find_elements(By.CSS_SELECTOR, "li") if APPRECIATION in li.text][0]
    assert reaction_buttons(bea, note.find_element(By.CSS_SELECTOR, "form.reactions"))["hug"] == "true"
    screenshot(bea, "phone-appreciations-reactions")

    alex.visit(home())
    assert f"{bea.name} reacted 🤗 to your appreciation." in news(alex), news(alex)
    alex.follow("Appreciations", "main")
    assert their_reaction(alex, "main section[aria-labelledby=sent-title]") == f"{bea.name} reacted 🤗 Hug"
    done("appreciation reactions")


# --------------------------------------------------------------------------------------
# Decks and depth


def test_alex_chooses_decks_and_depth_and_both_see_the_summary(alex, bea):
    needs("bond")
    bond_settings(alex, home())
    alex.follow("Choose decks and depth", "main")
    assert alex.path == f"{home()}/themes"
    assert alex.h1() == "Decks and depth"
    boxes = alex.driver.find_elements(By.CSS_SELECTOR, "main input[type=checkbox][name='decks[]']")
    assert sorted(b.get_attribute("value") for b in boxes) == DECKS, "a romantic bond offers all six decks"
    assert all(b.is_selected() for b in boxes), "every deck is chosen until they choose otherwise"
    for deck in DECKS:
        label = alex.text(f"label[for=deck-{deck}]")
        assert "For example: “" in label, f"the {deck} deck shows no sample question: {label!r}"
    assert alex.is_checked("depth-rising")
    for depth, label in (("rising", "Deepen as we go"), ("1", "Keep it light"), ("2", "Up to personal"), ("3", "Up to deep")):
        assert alex.text(f"label[for=depth-{depth}]").startswith(label), alex.text(f"label[for=depth-{depth}]")

    # No deck at all is refused, with the choices kept.
    for deck in DECKS:
        alex.untick(f"deck-{deck}")
    alex.tick("depth-1")
    alex.submit("Save")
    assert alex.status() == 422
    assert alex.path == f"{home()}/themes"
    assert alex.text("#decks-error"), "no message when no deck is chosen"
    assert "Please check this" in alex.text(".error-summary")
    assert alex.is_checked("depth-1") and not any(alex.is_checked(f"deck-{d}") for d in DECKS)

    alex.tick("deck-everyday")
    alex.submit("Save")
    assert alex.path == f"{home()}/settings"
    assert alex.flash() == THEMES_SAVED
    assert "Drawn from: Everyday · Keep it light" in alex.text("main section[aria-labelledby=themes-title]")

    bond_settings(bea, home())
    assert "Drawn from: Everyday · Keep it light" in bea.text("main section[aria-labelledby=themes-title]")
    bea.follow("Choose decks and depth", "main")
    assert bea.is_checked("deck-everyday") and bea.is_checked("depth-1")
    assert not any(bea.is_checked(f"deck-{d}") for d in DECKS if d != "everyday")
    screenshot(bea, "phone-themes")
    done("themes")


# --------------------------------------------------------------------------------------
# Reminders, on the phone's own clock


def set_time(person: Person, field_id: str, hhmm: str) -> None:
    """Types a time into an <input type=time> key by key, as someone with a keyboard does:
    hour, minute, then AM or PM where the browser's locale (en-US here) shows a 12-hour
    clock. (Focused, not tapped: a tap on the phone opens its picker, which a test cannot
    drive.)"""
    element = person.field(field_id)
    person.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", element)
    hour, minute = hhmm.split(":")
    element.send_keys(hour + minute)
    if person.value(field_id) != hhmm:
        element.send_keys("a" if int(hour) < 12 else "p")
    assert person.value(field_id) == hhmm, f"typing {hhmm} into #{field_id} gave {person.value(field_id)!r}"


def test_bea_sets_a_daily_reminder_by_email_on_her_own_clock(bea):
    needs("bond")
    zone = story["zones"][1]
    bea.visit("/settings")
    bea.follow("Choose your reminders", "main")
    assert bea.path == "/settings/reminders"
    assert bea.h1() == "Reminders"
    assert bea.is_checked("daily-none"), "a daily reminder is on before she chose one"
    for box in ("email", "push", "partnerActivity", "includeNames"):
        assert not bea.is_checked(box), f"{box} is ticked before she chose it"
    assert f"On your own clock ({zone.replace('_', ' ')})" in bea.text("#daily-hint")
    assert f"To {bea.email}." in bea.text("label[for=email]")
    assert bea.field("dailyAt").get_attribute("type") == "time"
    assert "None yet." in bea.text("main section[aria-labelledby=devices-title]")
    assert "Notifications need JavaScript" not in bea.text("#push-status"), "the page's script did not run"
    screenshot(bea, "phone-reminders")

    # A time but no way to reach her: refused, with what she chose kept.
    bea.tick("daily-at")
    set_time(bea, "dailyAt", "08:30")
    bea.submit("Save")
    assert bea.status() == 422
    assert bea.path == "/settings/reminders"
    assert bea.text("#channels-error") == NO_CHANNEL
    assert NO_CHANNEL in bea.text(".error-summary")
    assert bea.is_checked("daily-at") and bea.value("dailyAt") == "08:30"
    assert not bea.flash()
    screenshot(bea, "phone-reminders-error")

    bea.tick("email")
    bea.tick("partnerActivity")
    bea.submit("Save")
    assert bea.path == "/settings/reminders"
    assert bea.flash() == REMINDERS_SAVED
    assert bea.is_checked("daily-at") and bea.value("dailyAt") == "08:30"
    assert bea.is_checked("email") and bea.is_checked("partnerActivity")
    assert not bea.is_checked("push") and not bea.is_checked("includeNames")
    # The next one, at 08:30 on her clock.
    local = datetime.now(ZoneInfo(zone))
    next_one = local.replace(hour=8, minute=30, second=0, microsecond=0)
    if next_one <= local:
        next_one += timedelta(days=1)
    assert f"The next one comes on {local_day_text(next_one)} at 08:30." in bea.text("main"), bea.text("main")

    # Saved for good: the page shows it again after a fresh load.
    bea.visit("/settings/reminders")
    assert bea.value("dailyAt") == "08:30" and bea.is_checked("email")
    done("reminders")


# --------------------------------------------------------------------------------------
# Installable: the manifest and the service worker

PNG_SIZE = """
const [path, done] = arguments;
fetch(path).then(r => r.arrayBuffer().then(b => {
  const v = new DataView(b);
  const png = b.byteLength > 24 && v.getUint32(0) === 0x89504e47;
  done([r.status, r.headers.get("content-type"), png ? v.getUint32(16) : 0, png ? v.getUint32(20) : 0]);
})).catch(e => done([0, String(e), 0, 0]));
"""

SERVICE_WORKER = """
const done = arguments[0];
const deadline = Date.now() + 10000;
(function look() {
  navigator.serviceWorker.getRegistration().then(r => {
    if (r && (r.active || r.waiting || r.installing)) {
      done({scope: r.scope, script: (r.active || r.waiting || r.installing).scriptURL});
    } else if (Date.now() > deadline) {
      done({scope: r ? r.scope : null, script: null});
    } else {
      setTimeout(look, 100);
    }
  }).catch(e => done({error: String(e)}));
})();
"""


def test_kindred_is_installable_with_a_manifest_and_a_service_worker(alex, bea, kindred):
    needs("bond")
    alex.visit(home())
    link = alex.driver.find_element(By.CSS_SELECTOR, "head link[rel=manifest]")
    assert link.get_attribute("href") == kindred.url("/manifest.webmanifest")
    response = alex.fetch_response("/manifest.webmanifest")
    assert response.status == 200
    assert response.headers.get("content-type", "").split(";")[0] == "application/manifest+json", response.headers
    manifest = json.loads(response.body)
    assert manifest["name"] == "Kindred" and manifest.get("short_name")
    assert manifest["start_url"] == "/" and manifest.get("scope", "/") == "/"
    assert manifest["display"] in ("standalone", "minimal-ui", "fullscreen")
    pngs = {icon["sizes"]: icon["src"] for icon in manifest["icons"] if icon.get("type") == "image/png"
            and "any" in icon.get("purpose", "any").split()}
    assert {"192x192", "512x512"} <= set(pngs), manifest["icons"]
    for icon in manifest["icons"]:
        status, kind, width, height = js_result(alex, PNG_SIZE, icon["src"])
        assert status == 200, (icon["src"], status)
        if icon.get("type") == "image/png":
            assert kind == "image/png", (icon["src"], kind)
            assert f"{width}x{height}" == icon["sizes"], f"{icon['src']} is {width}x{height}, not {icon['sizes']}"

    # After a page load, app.js has registered /sw.js for the whole site: on both devices.
    for person in (alex, bea):
        person.visit(home())
        found = js_result(person, SERVICE_WORKER)
        assert found.get("scope") == kindred.url("/"), f"{person.label}: no service worker for the site: {found}"
        assert found.get("script") == kindred.url("/sw.js"), found
    worker = alex.fetch_response("/sw.js")
    assert worker.status == 200 and "javascript" in worker.headers.get("content-type", ""), worker.headers
    done("installable")


# --------------------------------------------------------------------------------------
# Helplines that a phone can call or text


def test_helplines_are_links_a_phone_can_call_or_text(bea):
    needs("bond")
    bea.visit("/support")
    for radio in bea.driver.find_elements(By.CSS_SELECTOR, "main form input[type=radio][value=no]"):
        bea.tick(radio.get_attribute("id"))
    bea.choose("country", "us")
    bea.submit("See what this means")
    assert bea.status() == 200
    links = {a.text.strip(): a.get_attribute("href")
             for a in bea.driver.find_elements(By.CSS_SELECTOR, "main section[aria-labelledby=help-title] a")}
    assert links.get("1-800-799-7233") == "tel:18007997233", links
    assert links.get("Text START to 88788") == "sms:88788?body=START", links
    emergency = [href for href in links.values() if href.startswith("tel:911")]
    assert emergency, f"the emergency number is not a tel: link: {links}"
    screenshot(bea, "phone-support-result-helplines")
    assert not bea.driver.find_elements(By.CSS_SELECTOR, "main p.status[role=status]"), "a check she did not save says it was saved"


# --------------------------------------------------------------------------------------
# Page not found


def test_the_not_found_page_knows_who_is_signed_in(alex, bea):
    for person in (alex, bea):
        person.visit("/no-such-page")
        assert person.status() == 404
        assert person.h1() == "We couldn't find that page"
        nav = person.text("nav.site-nav")
        assert "My bonds" in nav and "Sign out" in nav, f"{person.label}, signed in, is shown {nav!r}"
        assert "Create an account" not in nav and "Sign in" not in nav, f"{person.label}, signed in, is shown {nav!r}"
    screenshot(bea, "phone-not-found")


# --------------------------------------------------------------------------------------
# A forgotten password, reset through the operator's link


def test_forgot_password_asks_for_an_email_and_answers_the_same_for_anyone(alex, mailbox):
    needs("bond")
    sign_out(alex)
    # Signed out, the page-not-found page offers to sign in.
    alex.visit("/no-such-page")
    nav = alex.text("nav.site-nav")
    assert "Sign in" in nav and "Create an account" in nav and "Sign out" not in nav, nav

    alex.visit("/sign-in")
    alex.follow("Forgot your password?", "main")
    assert alex.path == "/forgot-password"
    assert alex.h1() == "Forgot your password?"
    alex.submit("Send me a link")
    assert alex.status() == 422
    assert alex.text("#email-error") == "Enter the email address you signed up with."
    assert alex.field("email").get_attribute("aria-invalid") == "true"

    before = len(mailbox.to(alex.email))
    alex.type_into("email", alex.email)
    alex.submit("Send me a link")
    assert alex.h1() == "Check your email"
    assert RESET_ACCEPTED in alex.text("main")
    answered_for_alex = alex.text("main")
    mails = mailbox.wait_for(alex.email, before + 1)
    assert len(mails) == before + 1, "no reset email reached Alex"
    body = mails[-1].get_body(("plain",)).get_content()
    link = re.search(re.escape(alex.server.base_url) + r"/reset-password/[A-Za-z0-9_-]+", body)
    assert link, body
    story["emailed link"] = link.group(0)

    nobody = f"nobody.{RUN}@example.org"
    alex.visit("/forgot-password")
    alex.type_into("email", nobody)
    alex.submit("Send me a link")
    assert alex.text("main") == answered_for_alex, "the answer differs for an address with no account"
    # Asking changes nothing: the old password still works.
    sign_in(alex)
    assert alex.path != "/sign-in", "asking for a link stopped the old password working"
    assert not mailbox.wait_for(nobody, 1, seconds=1), "an email went to an address with no account"
    done("forgot")


def test_the_operator_link_sets_a_new_password_and_the_old_one_stops_working(alex, kindred):
    needs("forgot")
    made = kindred.operator("users", "reset-link", alex.email)
    assert made.returncode == 0, f"kindred users reset-link failed ({made.returncode}):\n{made.stdout}\n{made.stderr}"
    found = re.search(re.escape(kindred.base_url) + r"/reset-password/[A-Za-z0-9_-]+", made.stdout)
    assert found, f"no link for this server in what the command printed:\n{made.stdout}"
    link = found.group(0)

    # Alex is signed in here: using the link ends that session too.
    alex.visit(link)
    assert alex.h1() == "Choose a new password"
    alex.type_into("password", "too short")
    alex.submit("Change my password")
    assert alex.status() == 422
    assert alex.field("password").get_attribute("aria-invalid") == "true"
    assert alex.text("#password-error")
    assert alex.value("password") == "" and "too short" not in alex.driver.page_source
    alex.type_into("password", NEW_PASSWORD)
    alex.submit("Change my password")
    assert alex.path == "/sign-in"
    assert alex.flash() == RESET_DONE
    old = alex.password
    alex.password = NEW_PASSWORD
    alex.visit("/settings")
    assert alex.path.startswith("/sign-in"), "the session from before the reset still works"

    sign_in(alex, old)
    assert alex.path == "/sign-in" and "We couldn't sign you in" in alex.text(".error-summary"), "the old password still works"
    sign_in(alex, NEW_PASSWORD)
    assert alex.path != "/sign-in", "the new password does not work"
    alex.visit("/settings/security")
    events = [row[1] for row in alex.table("Recent events on your account")[1:]]
    assert "Password reset with a link (every device signed out)" in events, events

    # Both links are spent: the one used, and the emailed one made before it.
    for spent in (link, story["emailed link"]):
        alex.visit(spent)
        assert alex.h1() == "This link no longer works", f"{spent} still works"
        assert alex.has_link("Ask for a new link", "main")
    done("reset")


def test_the_password_pages_fit_a_phone(bea, kindred):
    """The forgot and reset pages at phone width (a link made for Bea, not used)."""
    bea.visit("/forgot-password")
    assert bea.h1() == "Forgot your password?"
    screenshot(bea, "phone-forgot-password")
    made = kindred.operator("users", "reset-link", bea.email)
    assert made.returncode == 0, made.stderr
    link = re.search(re.escape(kindred.base_url) + r"/reset-password/[A-Za-z0-9_-]+", made.stdout).group(0)
    bea.visit(link)
    assert bea.h1() == "Choose a new password"
    screenshot(bea, "phone-reset-password")
    bea.visit(kindred.url("/reset-password/not-a-real-token"))
    assert bea.status() == 404 and bea.h1() == "This link no longer works"
    screenshot(bea, "phone-reset-link-unusable")


# --------------------------------------------------------------------------------------
# With one active bond, signing in leads straight to it


def test_with_one_active_bond_signing_in_leads_to_its_home(alex, bea):
    needs("bond")
    for title, path in active_bonds(alex):
        if path != home():
            bond_settings(alex, path)
            alex.follow("Leave this bond", "main")
            alex.submit("Leave the bond")
            assert alex.flash().startswith("You've left the bond.")
    assert [p for _, p in active_bonds(alex)] == [home()]
    sign_out(alex)
    sign_in(alex)
    assert alex.path == home(), f"with one active bond, signing in led to {alex.path}"
    assert alex.h1() == EVENINGS
    alex.visit("/")
    assert alex.path == home(), f"with one active bond, the start page led to {alex.path}"
    # Leaving ended those bonds for Bea too: her start page leads to the same home.
    bea.visit("/")
    assert bea.path == home(), f"Bea's start page led to {bea.path}"
