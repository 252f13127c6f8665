"""Practising, in two browsers: Alex and Bea share a fresh friendship bond and play a day
for two with today's question (each answers privately; the other sees only *that* they
answered until both have), reply to each other, look back at past days, send an
appreciation, check in on the "state of us" and hold a deeper conversation to its closing
four minutes.

Runs after test_measure.py. Both are first put in the same time zone, one where it is
around midday now, so "today" and "this week" are the same day and week for both and no
run straddles midnight. Run alone (scripts/e2e -k practise) it signs both people up first.
The tests build on each other; a test whose earlier step failed is skipped with the reason.
Every page either person lands on is also checked with axe-core.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from support import Person, bond_settings, close_person, ensure_signed_in, new_story, set_time_zone

RUN = uuid.uuid4().hex[:8]

# What they write. Mostly lower case: typing many capitals is harmless, but fewer is calmer.
ALEX_FIRST_DRAFT = "a long dinner with friends, cooked slowly."
ALEX_ANSWER = "a quiet walk by the river, then soup at the little place on the corner."
BEA_ANSWER = "reading on the balcony while the rain comes in, tea going cold."
BEA_REPLY = "we should do that walk together next month."
ALEX_REPLY = "yes please, and the soup too."
APPRECIATION = "thank you for listening so patiently on sunday evening."
ALEX_NOTE = "work was heavy, but our call on thursday helped a lot."
BEA_NOTE = "i loved the long call; more of those please."

ANSWER_SAVED = "Your answer is saved. It stays private until you've both answered."
CHECKIN_SAVED = "Your check-in is saved. You'll see each other's once you've both checked in this week."
FINISHED = "You finished the conversation. Thank you for making the time for each other."
SIGNS = ["open-sharing", "trust", "positive-feelings", "quality-time", "communication", "vulnerability"]
SIGN_LABELS = ["Open and honest sharing", "Trust", "Positive feelings", "Quality time",
               "Listening and communication", "Vulnerability"]
SCALE = {1: "Not at all", 2: "A little", 3: "Somewhat", 4: "Mostly", 5: "Very much"}
ALEX_PULSE = {"open-sharing": 4, "trust": 5, "positive-feelings": 4, "quality-time": 2, "communication": 3, "vulnerability": 3}
BEA_PULSE = {"open-sharing": 5, "trust": 4, "positive-feelings": 5, "quality-time": 3, "communication": 4, "vulnerability": 2}
CONVERSATION = "A deeper conversation"
NO_DAYS_YET = "Today is a lovely day to answer together."
ONE_DAY = "You've answered together once in the last 10 days — a good start."
QUESTIONS = 36

# Zones without daylight saving time, about every hour or two around the world.
STEADY_ZONES = [
    "Pacific/Honolulu", "America/Phoenix", "America/Bogota", "America/Sao_Paulo", "Atlantic/Cape_Verde",
    "Africa/Abidjan", "Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi",
    "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane", "Pacific/Noumea",
    "Pacific/Tarawa",
]
STEADY_OFFSETS = [-10, -7, -5, -3, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]

story, needs, done = new_story()


# --------------------------------------------------------------------------------------
# Helpers


def midday_zone() -> str:
    """The steady zone where the local time is now closest to noon: both people's "today"
    and "this week" are then the same, whenever the suite runs."""
    now = datetime.now(timezone.utc)

    def distance(item: tuple[str, int]) -> float:
        local = now + timedelta(hours=item[1])
        return abs(local.hour + local.minute / 60 - 12)

    return min(zip(STEADY_ZONES, STEADY_OFFSETS), key=distance)[0]


def today_path() -> str:
    return f"{story['bond']}/today"


def section(person: Person, title_id: str) -> str:
    found = person.driver.find_elements(By.CSS_SELECTOR, f"main section[aria-labelledby={title_id}]")
    return found[0].text if found else ""


def day_card(person: Person) -> WebElement:
    cards = person.driver.find_elements(By.CSS_SELECTOR, "main section.card.day")
    assert len(cards) == 1, f"{person.label} sees {len(cards)} day cards on {person.path}"
    return cards[0]


def prompt(person: Person) -> str:
    return day_card(person).find_element(By.CSS_SELECTOR, "h2.prompt").text.strip()


def answers(person: Person) -> dict[str, str]:
    """The answers on the day card: heading ("You", "Your answer", a name) -> text."""
    found = {}
    for block in day_card(person).find_elements(By.CSS_SELECTOR, ".answer"):
        found[block.find_element(By.TAG_NAME, "h3").text.strip()] = block.find_element(By.CSS_SELECTOR, ".answer-text").text.strip()
    return found


def card_status(person: Person) -> str:
    found = day_card(person).find_elements(By.CSS_SELECTOR, ".status[role=status]")
    return found[0].text.strip() if found else ""


def replies(person: Person) -> list[tuple[str, str]]:
    """The day's replies: (author, text). Each shows a short time ("09:14"), checked here."""
    found = []
    for li in day_card(person).find_elements(By.CSS_SELECTOR, "ul.reply-list > li"):
        meta = li.find_element(By.CSS_SELECTOR, ".reply-meta")
        author = meta.find_element(By.TAG_NAME, "strong").text.strip()
        at = meta.text.strip().removeprefix(author).strip()
        assert re.fullmatch(r"\d{2}:\d{2}", at), f"a reply's time reads {at!r}, not a short time like 09:14"
        found.append((author, li.find_element(By.CSS_SELECTOR, ".reply-text").text.strip()))
    return found


def answer_form(person: Person) -> list[WebElement]:
    return person.driver.find_elements(By.CSS_SELECTOR, f"main form[action='{today_path()}']")


def change_answer(person: Person) -> WebElement:
    """The folded "Change your answer" (a <details>) shown while waiting for the other person."""
    found = person.driver.find_elements(By.CSS_SELECTOR, "main details.change-answer")
    assert len(found) == 1, f"{person.label} sees {len(found)} 'Change your answer' folds on {person.path}"
    return found[0]


def buttons(person: Person) -> list[str]:
    return [b.text.strip() for b in person.driver.find_elements(By.CSS_SELECTOR, "main button") if b.is_displayed()]


def home_line(person: Person, title_id: str, index: int = 1) -> str:
    """A paragraph of one of the bond home's practice sections."""
    paragraphs = person.driver.find_elements(By.CSS_SELECTOR, f"main section[aria-labelledby={title_id}] > p")
    return paragraphs[index].text.strip() if len(paragraphs) > index else ""


def week_appreciations(person: Person) -> list[str]:
    return [li.text.strip() for li in person.driver.find_elements(By.CSS_SELECTOR, "main section[aria-labelledby=week-title] ul > li")]


def assert_private(person: Person, *texts: str) -> None:
    """None of these texts anywhere in the page as the browser has it."""
    source = person.driver.page_source
    for text in texts:
        assert text not in source, f"{person.label} can see {text!r} on {person.path}"


def checked(person: Person) -> dict[str, int]:
    found = {}
    for radio in person.driver.find_elements(By.CSS_SELECTOR, "main form input[type=radio]:checked"):
        found[radio.get_attribute("name").removeprefix("rating-")] = int(radio.get_attribute("value"))
    return found


def pulse_rows(mine: dict[str, int], theirs: dict[str, int], name: str) -> list[list[str]]:
    return [["Sign", "You", name]] + [
        [label, SCALE[mine[sign]], SCALE[theirs[sign]]] for sign, label in zip(SIGNS, SIGN_LABELS)
    ]


def progress(person: Person) -> str:
    return person.text("main .progress").strip()


# --------------------------------------------------------------------------------------
# A day for two


def test_alex_and_bea_share_a_friendship_bond_in_the_same_time_zone(alex, bea, kindred):
    ensure_signed_in(alex, "Alex Rivers", "quiet river morning tea", f"practise.{RUN}")
    ensure_signed_in(bea, "Bea Lind", "lanterns over the harbour", f"practise.{RUN}")
    zone = midday_zone()
    set_time_zone(alex, zone)
    set_time_zone(bea, zone)

    alex.visit("/bonds/new")
    alex.tick("kind-friendship")
    alex.submit("Make the bond")
    assert re.fullmatch(r"/bonds/[0-9a-fA-F-]{36}", alex.path), alex.path
    story["bond"] = alex.path
    assert not section(alex, "today-title"), "today's question is offered before the other person joined"
    bond_settings(alex, story["bond"])
    assert alex.badges() == ["Close friends", "Waiting for them to join"]

    # Alone in the bond, today's page explains; nothing can be answered yet.
    alex.visit(today_path())
    assert alex.status() == 200
    assert alex.h1() == "Today's question"
    assert "The question of the day begins once the other person has joined your bond." in alex.text()
    assert not answer_form(alex)

    alex.visit(story["bond"])
    alex.submit("Make an invite link")
    invite = alex.value("invite-url")
    assert invite.startswith(kindred.base_url + "/join/")
    bea.visit(invite)
    bea.submit("Join the bond")
    assert bea.path == story["bond"]
    bond_settings(bea, story["bond"])
    assert bea.badges() == ["Close friends", "Together"]
    done("bond")


def test_the_bond_home_shows_todays_question_and_the_week(alex):
    needs("bond")
    alex.visit(story["bond"])
    today = section(alex, "today-title")
    assert today.startswith("Today's question")
    assert "Neither of you has answered yet." in today
    assert NO_DAYS_YET in today
    week = section(alex, "week-title")
    assert "This week's check-in is open." in week
    assert "No appreciations this week yet." in week
    for link in ("State of us", "Appreciations", CONVERSATION):
        assert alex.has_link(link, "main section[aria-labelledby=week-title]"), link
    story["home prompt"] = alex.text("main section[aria-labelledby=today-title] .prompt").strip()
    assert story["home prompt"]
    done("home")


def test_an_empty_answer_is_refused_and_the_page_stays(alex):
    needs("home")
    alex.visit(story["bond"])
    alex.follow("Answer today's question", "main")
    assert alex.path == today_path()
    assert alex.h1() == "Today's question"
    story["prompt"] = prompt(alex)
    assert story["prompt"] == story["home prompt"], "the bond home and today show different questions"
    story["day"] = day_card(alex).get_attribute("aria-labelledby").removeprefix("prompt-")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", story["day"]), story["day"]
    assert alex.text("main > p.muted") == NO_DAYS_YET
    assert alex.driver.find_element(By.CSS_SELECTOR, "label[for=text]").text == "Your answer"
    assert alex.text("#text-hint") == "Only you can see it until you've both answered."
    assert not card_status(alex) and answers(alex) == {}

    alex.submit("Save my answer")
    assert alex.status() == 422
    assert alex.path == today_path()
    assert alex.h1() == "Today's question"
    assert prompt(alex) == story["prompt"]
    assert alex.text("#text-error") == "Write something first."
    text = alex.field("text")
    assert text.get_attribute("aria-invalid") == "true"
    assert text.get_attribute("aria-describedby").split() == ["text-hint", "text-error"]
    assert not alex.flash()
    assert answers(alex) == {} and not card_status(alex), "an empty answer was saved"
    assert alex.button("Save my answer")
    done("empty answer")


def test_alex_answers_changes_his_mind_and_waits_for_bea(alex, bea):
    needs("empty answer")
    alex.visit(today_path())
    alex.type_into("text", ALEX_FIRST_DRAFT)
    alex.submit("Save my answer")
    assert alex.path == today_path()
    assert alex.flash() == ANSWER_SAVED
    assert answers(alex) == {"Your answer": ALEX_FIRST_DRAFT}
    assert card_status(alex) == (
        f"Waiting for {bea.name}. You'll see each other's answers once they've answered too — you can change yours until then."
    )

    # His answer is shown once; the form to change it is folded away until he opens it.
    assert alex.text("main").count(ALEX_FIRST_DRAFT) == 1, "the waiting answer is shown twice"
    fold = change_answer(alex)
    assert fold.get_attribute("open") is None, "the change form is open before he asks for it"
    assert not alex.field("text").is_displayed()
    fold.find_element(By.TAG_NAME, "summary").click()
    assert fold.find_element(By.TAG_NAME, "summary").text.strip() == "Change your answer"
    assert alex.field("text").is_displayed()
    assert alex.driver.find_element(By.CSS_SELECTOR, "label[for=text]").text == "Your new answer"
    # Until Bea answers he may change it.
    assert alex.value("text") == ALEX_FIRST_DRAFT
    alex.type_into("text", ALEX_ANSWER)
    alex.submit("Save changes")
    assert alex.flash() == ANSWER_SAVED
    assert answers(alex) == {"Your answer": ALEX_ANSWER}
    assert card_status(alex).startswith(f"Waiting for {bea.name}.")
    assert alex.text("main").count(ALEX_ANSWER) == 1

    alex.visit(story["bond"])
    assert f"You've answered. {bea.name} hasn't yet — you'll see each other's once they do." in section(alex, "today-title")
    done("alex answered")


def test_bea_sees_that_alex_answered_but_never_what(bea, alex):
    needs("alex answered")
    secrets = (ALEX_ANSWER, ALEX_FIRST_DRAFT)

    bea.visit(story["bond"])
    assert f"{alex.name} has answered. Answer too, and you'll see each other's." in section(bea, "today-title")
    assert_private(bea, *secrets)

    bea.follow("Answer today's question", "main")
    assert bea.path == today_path()
    assert prompt(bea) == story["prompt"], "Bea and Alex got different questions on the same day"
    assert card_status(bea) == f"{alex.name} has answered. Answer too, and you'll both see each other's."
    assert answers(bea) == {}
    assert bea.driver.find_element(By.CSS_SELECTOR, "label[for=text]").text == "Your answer"
    assert bea.value("text") == ""
    assert_private(bea, *secrets)

    bea.follow("Past days", "main")
    assert bea.path == f"{story['bond']}/days"
    assert f"{alex.name} answered; you didn't." in bea.text()
    assert_private(bea, *secrets)
    bea.follow(story["prompt"], "main")
    assert bea.path == f"{story['bond']}/days/{story['day']}"
    assert card_status(bea).startswith(f"{alex.name} has answered.")
    assert answers(bea) == {} and not bea.driver.find_elements(By.ID, "reply-text")
    assert_private(bea, *secrets)

    # Not merely hidden: absent from what the server sends her.
    for path in (story["bond"], today_path(), f"{story['bond']}/days", f"{story['bond']}/days/{story['day']}"):
        status, body = bea.fetch(path)
        assert status == 200, (path, status)
        for secret in secrets:
            assert secret not in body, f"the server sent Bea Alex's unrevealed answer in {path}"
    done("bea saw nothing")


def test_bea_answers_and_both_see_both_answers(bea, alex):
    needs("bea saw nothing")
    bea.visit(today_path())
    bea.type_into("text", BEA_ANSWER)
    bea.submit("Save my answer")
    assert bea.path == today_path()
    assert bea.flash() == ANSWER_SAVED
    assert answers(bea) == {"You": BEA_ANSWER, alex.name: ALEX_ANSWER}
    assert ALEX_FIRST_DRAFT not in bea.driver.page_source, "the answer Alex replaced is shown"
    # Final: no form to change either answer.
    assert not answer_form(bea) and not bea.driver.find_elements(By.ID, "text")
    assert "Save changes" not in buttons(bea) and "Save my answer" not in buttons(bea)
    assert not card_status(bea)
    assert "No replies yet." in bea.text("main section.replies")
    assert bea.text("main > p.muted") == ONE_DAY

    alex.visit(today_path())
    assert answers(alex) == {"You": ALEX_ANSWER, bea.name: BEA_ANSWER}
    assert not answer_form(alex) and not alex.driver.find_elements(By.ID, "text")
    assert not card_status(alex)
    assert alex.text("main > p.muted") == ONE_DAY

    alex.visit(story["bond"])
    today = section(alex, "today-title")
    assert "You've both answered. Read each other's." in today
    assert ONE_DAY in today
    done("revealed")


def test_an_answer_cannot_be_changed_once_both_have_answered(alex):
    """Alex's form from before the reveal, sent again (say from another tab), is refused
    and both answers stay as they were."""
    needs("revealed")
    alex.visit(today_path())
    status, body = alex.fetch(today_path(), {"text": "changed after the reveal"})
    assert status == 409, status
    assert "You've both answered, so today's answers are shared and can't be changed." in html.unescape(body)
    alex.visit(today_path())
    assert answers(alex)["You"] == ALEX_ANSWER


def test_bea_replies_in_the_thread_and_alex_sees_it(bea, alex):
    needs("revealed")
    bea.visit(today_path())
    assert bea.driver.find_element(By.CSS_SELECTOR, "label[for=reply-text]").text == "Reply"
    bea.submit("Send reply")
    assert bea.path == today_path()
    assert bea.flash() == "Write something before sending a reply."
    assert replies(bea) == []

    bea.type_into("reply-text", BEA_REPLY)
    bea.submit("Send reply")
    assert bea.path == today_path()
    assert bea.flash() == "Reply sent."
    assert replies(bea) == [("You", BEA_REPLY)]
    assert bea.value("reply-text") == ""

    alex.visit(today_path())
    assert replies(alex) == [(bea.name, BEA_REPLY)]
    done("replied")


def test_past_days_list_the_day_with_both_answers_and_the_thread(alex, bea):
    needs("replied")
    alex.visit(today_path())
    alex.follow("Past days", "main")
    assert alex.path == f"{story['bond']}/days"
    assert alex.h1() == "Past days"
    items = alex.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list > li")
    assert len(items) == 1, [i.text for i in items]
    assert story["prompt"] in items[0].text and "You both answered." in items[0].text
    assert not alex.has_link("Older days", "main")

    alex.follow(story["prompt"], "main")
    assert alex.path == f"{story['bond']}/days/{story['day']}"
    assert answers(alex) == {"You": ALEX_ANSWER, bea.name: BEA_ANSWER}
    assert replies(alex) == [(bea.name, BEA_REPLY)]
    assert alex.has_link("← Past days", "main")

    # A reply from the day's own page comes back to it.
    alex.type_into("reply-text", ALEX_REPLY)
    alex.submit("Send reply")
    assert alex.path == f"{story['bond']}/days/{story['day']}"
    assert alex.flash() == "Reply sent."
    assert replies(alex) == [(bea.name, BEA_REPLY), ("You", ALEX_REPLY)]

    bea.visit(f"{story['bond']}/days")
    assert "You both answered." in bea.text()
    bea.follow(story["prompt"], "main")
    assert answers(bea) == {"You": BEA_ANSWER, alex.name: ALEX_ANSWER}
    assert replies(bea) == [("You", BEA_REPLY), (alex.name, ALEX_REPLY)]


def test_an_unknown_day_is_not_found(alex):
    needs("bond")
    alex.visit(f"{story['bond']}/days/2001-01-01")
    assert alex.status() == 404
    assert alex.h1() == "We couldn't find that page"


# --------------------------------------------------------------------------------------
# Appreciations


def test_alex_sends_an_appreciation_with_a_starter_to_help(alex, bea):
    needs("bond")
    alex.visit(story["bond"])
    alex.follow("Appreciations", "main")
    assert alex.path == f"{story['bond']}/appreciations"
    assert alex.h1() == "Appreciations"
    assert alex.driver.find_element(By.CSS_SELECTOR, "label[for=text]").text == f"Tell {bea.name} what you appreciate"
    hint = alex.text("#text-hint")
    assert re.fullmatch(r"Not sure how to start\? Try: “.+…”", hint), hint
    assert alex.field("text").get_attribute("aria-describedby") == "text-hint"
    assert section(alex, "received-title") == f"From {bea.name}\nNothing yet."
    assert section(alex, "sent-title") == "From you\nNothing yet."

    alex.submit("Send")
    assert alex.status() == 422
    assert alex.text("#text-error") == "Write something first."
    assert alex.field("text").get_attribute("aria-invalid") == "true"
    assert alex.field("text").get_attribute("aria-describedby").split() == ["text-hint", "text-error"]
    assert section(alex, "sent-title") == "From you\nNothing yet."

    alex.type_into("text", APPRECIATION)
    alex.submit("Send")
    assert alex.path == f"{story['bond']}/appreciations"
    assert alex.flash() == "Sent. A small thing, and it matters."
    assert alex.value("text") == ""
    sent = section(alex, "sent-title")
    assert APPRECIATION in sent
    assert APPRECIATION not in section(alex, "received-title")

    alex.visit(story["bond"])
    assert week_appreciations(alex) == [f"You: {APPRECIATION}"]
    done("appreciated")


def test_bea_sees_the_appreciation_from_alex_and_on_the_bond_home(bea, alex):
    needs("appreciated")
    bea.visit(story["bond"])
    assert week_appreciations(bea) == [f"{alex.name}: {APPRECIATION}"]
    bea.follow("Appreciations", "main")
    received = section(bea, "received-title")
    assert received.startswith(f"From {alex.name}") and APPRECIATION in received
    assert section(bea, "sent-title") == "From you\nNothing yet."


# --------------------------------------------------------------------------------------
# State of us


def checkin_path() -> str:
    return f"{story['bond']}/checkin"


def test_a_missing_sign_brings_the_check_in_back_with_the_choices_kept(alex):
    needs("bond")
    alex.visit(story["bond"])
    alex.follow("State of us", "main")
    assert alex.path == checkin_path()
    assert alex.h1() == "State of us"
    assert len(alex.driver.find_elements(By.CSS_SELECTOR, "main form fieldset.question")) == 6
    assert not alex.driver.find_elements(By.CSS_SELECTOR, "main .status[role=status]")
    for sign in SIGNS[:-1]:
        alex.tick(f"rating-{sign}-{ALEX_PULSE[sign]}")
    alex.type_into("note", ALEX_NOTE)
    alex.submit("Check in")

    assert alex.status() == 422
    assert alex.path == checkin_path()
    summary = alex.driver.find_element(By.CSS_SELECTOR, "main .error-summary[role=alert]")
    assert "Please check this" in summary.text
    links = {a.get_attribute("hash"): a.text for a in summary.find_elements(By.TAG_NAME, "a")}
    # The summary names the sign, so each link makes sense on its own.
    assert links == {"#rating-vulnerability-fieldset": "Vulnerability: Please answer this one."}
    assert alex.text("#rating-vulnerability-error") == "Please answer this one."
    assert alex.field("rating-vulnerability-fieldset").get_attribute("aria-describedby") == "rating-vulnerability-error"
    assert len(alex.driver.find_elements(By.CSS_SELECTOR, "main .field-error")) == 1
    assert checked(alex) == {s: ALEX_PULSE[s] for s in SIGNS[:-1]}, "choices already made were lost"
    assert alex.value("note") == ALEX_NOTE
    assert not alex.flash()
    done("checkin mistake")


def test_alex_completes_the_check_in_with_a_note(alex, bea):
    needs("checkin mistake")
    alex.tick(f"rating-vulnerability-{ALEX_PULSE['vulnerability']}")
    alex.submit("Check in")
    assert alex.path == checkin_path()
    assert alex.flash() == CHECKIN_SAVED
    assert alex.text("main .status[role=status]") == (
        f"You've checked in this week. You'll see each other's once {bea.name} has too — you can change yours until then."
    )
    assert checked(alex) == ALEX_PULSE
    assert alex.value("note") == ALEX_NOTE
    assert "Update my check-in" in buttons(alex)
    assert not section(alex, "both-title")

    alex.visit(story["bond"])
    assert home_line(alex, "week-title", 0).startswith(f"You've checked in this week. Waiting for {bea.name}.")
    done("alex checked in")


def test_bea_sees_that_alex_checked_in_but_not_his_note(bea, alex):
    needs("alex checked in")
    bea.visit(story["bond"])
    assert home_line(bea, "week-title", 0).startswith(f"{alex.name} has checked in this week.")
    assert_private(bea, ALEX_NOTE)

    bea.follow("State of us", "main")
    assert bea.text("main .status[role=status]") == (
        f"{alex.name} has checked in this week. Check in too, and you'll both see each other's."
    )
    assert not section(bea, "both-title") and "side by side" not in bea.text()
    assert checked(bea) == {}, "Bea's form shows Alex's choices"
    assert bea.value("note") == ""
    assert "Check in" in buttons(bea)
    assert_private(bea, ALEX_NOTE)
    status, body = bea.fetch(checkin_path())
    assert status == 200 and ALEX_NOTE not in body
    done("bea saw no note")


def test_bea_checks_in_and_both_see_the_week_side_by_side(bea, alex):
    needs("bea saw no note")
    bea.visit(checkin_path())
    for sign in SIGNS:
        bea.tick(f"rating-{sign}-{BEA_PULSE[sign]}")
    bea.type_into("note", BEA_NOTE)
    bea.submit("Check in")
    assert bea.path == checkin_path()
    flash_after_both = bea.flash()
    assert flash_after_both == "Your check-in is saved, and you've both checked in: here is the week side by side.", flash_after_both
    both = section(bea, "both-title")
    assert both.startswith("This week, side by side")
    assert bea.table(f"Your pulse and {alex.name}'s") == pulse_rows(BEA_PULSE, ALEX_PULSE, alex.name)
    assert f"Your note: {BEA_NOTE}" in both and f"{alex.name}'s note: {ALEX_NOTE}" in both
    assert not bea.driver.find_elements(By.CSS_SELECTOR, "main form fieldset.question"), "the check-in can still be changed"
    # Once both checked in, the page says so.
    intro = bea.text("main > h1 + p")
    assert intro.startswith("You've both checked in this week."), intro

    alex.visit(checkin_path())
    intro = alex.text("main > h1 + p")
    assert intro.startswith("You've both checked in this week."), intro
    assert "once you've both checked in" not in alex.text("main").lower()
    both = section(alex, "both-title")
    assert both.startswith("This week, side by side")
    assert alex.table(f"Your pulse and {bea.name}'s") == pulse_rows(ALEX_PULSE, BEA_PULSE, bea.name)
    assert f"Your note: {ALEX_NOTE}" in both and f"{bea.name}'s note: {BEA_NOTE}" in both
    assert not alex.driver.find_elements(By.CSS_SELECTOR, "main .status[role=status]")

    alex.visit(story["bond"])
    assert home_line(alex, "week-title", 0).startswith("You've both checked in this week.")

    # Last, as it is only wording: the message Bea got on checking in second must not say
    # she will see Alex's "once you've both checked in" above the two check-ins side by side.
    assert "once you've both checked in" not in flash_after_both.lower(), (
        f"after both checked in, Bea's page still says: {flash_after_both!r} "
        "(Flash.checkinSaved, shown to the second person too)"
    )


# --------------------------------------------------------------------------------------
# A deeper conversation


def conversation_path() -> str:
    return f"{story['bond']}/conversation"


def test_alex_begins_a_deeper_conversation_and_they_take_turns(alex, bea):
    needs("bond")
    alex.visit(story["bond"])
    alex.follow(CONVERSATION, "main")
    assert alex.path == conversation_path()
    assert alex.h1() == CONVERSATION
    assert "Set aside about 45 minutes" in alex.text()
    alex.submit("Begin")

    assert alex.path == conversation_path()
    assert progress(alex) == f"Set 1 · Getting to know each other · question 1 of {QUESTIONS}"
    first = alex.text("main h2#question-title")
    assert first and "Easy questions to warm up with" in alex.text()
    assert "Your turn to answer first." in alex.text()

    bea.visit(conversation_path())
    assert progress(bea) == f"Set 1 · Getting to know each other · question 1 of {QUESTIONS}"
    assert bea.text("main h2#question-title") == first
    assert f"{alex.name} answers first." in bea.text()
    assert "Your turn" not in bea.text()

    # Alex still has question 1 open when Bea moves on: his press of the same button
    # afterwards does not skip question 2.
    alex.visit(conversation_path())
    bea.submit("Next question")
    assert progress(bea) == f"Set 1 · Getting to know each other · question 2 of {QUESTIONS}"
    second = bea.text("main h2#question-title")
    assert second != first
    assert "Your turn to answer first." in bea.text()
    assert "Easy questions to warm up with" not in bea.text(), "the set's introduction is repeated"

    alex.submit("Next question")
    assert progress(alex) == f"Set 1 · Getting to know each other · question 2 of {QUESTIONS}"
    assert alex.text("main h2#question-title") == second
    assert f"{bea.name} answers first." in alex.text()
    done("conversation")


def test_the_conversation_moves_through_the_sets_to_the_closing_four_minutes(alex):
    needs("conversation")
    alex.visit(conversation_path())
    # The same form posts as the Next button, without a page view for each question.
    for position in range(1, 12):
        status, _ = alex.fetch(f"{conversation_path()}/next", {"position": str(position)})
        assert status == 200, (position, status)
    alex.visit(conversation_path())
    assert progress(alex) == f"Set 2 · What makes you, you · question 13 of {QUESTIONS}"
    assert "A little more personal now" in alex.text()
    assert "Your turn to answer first." in alex.text()

    for position in range(12, QUESTIONS):
        status, _ = alex.fetch(f"{conversation_path()}/next", {"position": str(position)})
        assert status == 200, (position, status)
    alex.visit(conversation_path())
    closing = section(alex, "closing-title")
    assert closing.startswith("Four minutes")
    assert not alex.driver.find_elements(By.CSS_SELECTOR, "main .progress")

    display = alex.driver.find_element(By.CSS_SELECTOR, "main .timer [role=timer]")
    assert display.text == "4:00"
    assert not alex.driver.find_element(By.CSS_SELECTOR, "main .timer-fallback").is_displayed()
    start = alex.button("Start the 4-minute timer")
    start.click()
    WebDriverWait(alex.driver, 2.5).until(lambda d: display.text != "4:00")
    assert re.fullmatch(r"3:5\d", display.text), display.text
    assert not start.is_displayed()
    done("closing")


def test_without_javascript_the_closing_suggests_a_timer_of_their_own(browsers, bea):
    needs("closing")
    guest = browsers("bea-no-javascript", javascript=False)
    try:
        guest.visit("/sign-in")
        guest.type_into("email", bea.email)
        guest.type_into("password", bea.password)
        guest.button("Sign in").click()
        # Signed in: on the list of bonds, or the home of the only active one.
        WebDriverWait(guest.driver, 15).until(lambda d: guest.path == "/bonds" or guest.path == story["bond"])
        guest.visit(conversation_path())
        assert section(guest, "closing-title").startswith("Four minutes")
        assert guest.text("main .timer [role=timer]") == "4:00"
        fallback = guest.driver.find_element(By.CSS_SELECTOR, "main .timer-fallback")
        assert fallback.is_displayed() and fallback.text == "Set a timer for 4 minutes, if you'd like to."
        assert "Start the 4-minute timer" not in buttons(guest)
        assert "We're done" in buttons(guest)
    finally:
        close_person(guest)


def test_were_done_returns_to_the_bond_home_with_thanks(alex, bea):
    needs("closing")
    alex.visit(conversation_path())
    alex.submit("We're done")
    assert alex.path == story["bond"]
    assert alex.flash() == FINISHED

    alex.visit(conversation_path())
    assert "You've finished 1 of these together." in alex.text()
    assert "Begin" in buttons(alex) and not alex.driver.find_elements(By.CSS_SELECTOR, "main .progress")
    bea.visit(conversation_path())
    assert "You've finished 1 of these together." in bea.text()
    assert not section(bea, "closing-title")
