"""One day for both and rituals (issue 12), in two browsers: Alex on a desktop in London and
Bea on a 390 px phone in New York share a new friendship bond. At the same moment both see the
same day's question and the same state, each told when the next question arrives in their own
time. Alex proposes a ritual from an idea; Bea agrees on her phone; each marks their part of
today's time and both see it kept; Bea pauses and resumes it;
Alex subscribes to their rituals in his calendar, reads the feed, and removes the address;
Bea looks at their hours together and marks the bond long-distance; Alex suggests time together
at a time both are awake, Bea suggests another time, and Alex says yes.

Runs after the other journeys (conftest.MODULE_ORDER) and reuses Alex and Bea; run alone
(scripts/e2e -k rituals) it signs both up first. The tests build on each other; a test whose
earlier step failed is skipped with the reason. Every page either person lands on is also
checked with axe-core, for overflow and for Quick exit.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid

from selenium.webdriver.common.by import By

from support import Person, ensure_signed_in, new_story, set_time_zone

RUN = uuid.uuid4().hex[:8]
BOND = "Walks and talks"
ANSWER = "the walk along the canal on saturday, and the heron."

story, needs, done = new_story()


def make_bond(person: Person) -> str:
    person.visit("/bonds/new")
    person.tick("kind-friendship")
    person.type_into("name", BOND)
    person.submit("Make the bond")
    assert re.fullmatch(r"/bonds/[0-9a-fA-F-]{36}", person.path), person.path
    return person.path


def day_and_prompt(person: Person) -> tuple[str, str]:
    day = person.driver.find_element(By.CSS_SELECTOR, "main form input[name=day]").get_attribute("value")
    prompt = person.driver.find_element(By.CSS_SELECTOR, "main section.card.day h2.prompt").text.strip()
    return day, prompt


def assert_gone(url: str) -> None:
    """The address answers 404 (a removed calendar feed)."""
    try:
        urllib.request.urlopen(url)
        raise AssertionError(f"{url} still answers")
    except urllib.error.HTTPError as error:
        assert error.code == 404, error.code


def press(person: Person, css: str) -> None:
    """Clicks the button `css` finds in main (its visible words may carry hidden context)."""
    person.click_through(person.driver.find_element(By.CSS_SELECTOR, f"main {css}"))


def test_london_and_new_york_share_one_day(alex, bea, kindred):
    ensure_signed_in(alex, "Alex Rivers", "quiet river morning tea", f"rituals.{RUN}", "Europe/London")
    ensure_signed_in(bea, "Bea Lind", "lanterns over the harbour", f"rituals.{RUN}", "America/New_York")
    set_time_zone(alex, "Europe/London")
    set_time_zone(bea, "America/New_York")
    bond = make_bond(alex)
    alex.submit("Make an invite link")
    url = alex.value("invite-url")
    bea.visit(url)
    bea.submit("Join the bond")
    story["bond"] = bond

    alex.visit(f"{bond}/today")
    bea.visit(f"{bond}/today")
    assert day_and_prompt(alex) == day_and_prompt(bea), "two zones, two different questions"
    alex_next = alex.text("main").split("The next question arrives ")[1].split(" your time.")[0]
    bea_next = bea.text("main").split("The next question arrives ")[1].split(" your time.")[0]
    # One instant, five hours apart on the two clocks (or four or six around a change of summer time).
    hours = lambda text: int(re.search(r"(\d{2}):\d{2}$", text).group(1))
    assert (hours(alex_next) - hours(bea_next)) % 24 in (4, 5, 6), (alex_next, bea_next)

    alex.type_into("text", ANSWER)
    alex.submit("Save my answer")
    bea.visit(f"{bond}/today")
    assert "Neither of you has answered" not in bea.text("main")
    assert ANSWER not in bea.driver.page_source, "an unrevealed answer reached the other member"
    done("one day")


def test_alex_proposes_a_ritual_from_an_idea_and_bea_agrees_on_her_phone(alex, bea):
    needs("one day")
    bond = story["bond"]
    alex.visit(f"{bond}/rituals")
    assert alex.h1() == "Rituals you share"
    assert "Walk-and-talk call" in alex.text("main")
    alex.visit(f"{bond}/rituals?idea=walk-and-talk-call")
    assert alex.value("title") == "Walk-and-talk call"
    alex.choose("rhythm", "daily")
    alex.submit(f"Propose to {bea.name}")
    assert re.fullmatch(re.escape(bond) + r"/rituals/[0-9a-f-]{36}", alex.path), alex.path
    assert alex.flash() == "Proposed. It becomes a shared ritual once the other person agrees."
    assert f"Waiting for {bea.name} to agree." in alex.text("main")
    story["ritual"] = alex.path

    bea.visit(f"{bond}/rituals")
    assert f"{alex.name} would like to start" in bea.text("main")
    bea.follow("Walk-and-talk call", "main")
    assert bea.path == story["ritual"]
    bea.submit("Agree to it")
    assert bea.flash() == "Agreed. It's a ritual you share now."
    done("ritual")


def test_each_marks_their_part_and_both_see_it_kept_then_bea_pauses_and_resumes(alex, bea):
    needs("ritual")
    bea.visit(story["ritual"])
    press(bea, "button[name=status][value=done]")
    assert bea.flash() == "Marked. Thank you for keeping it."
    alex.visit(story["ritual"])
    assert "Half done" in alex.text("main")
    assert f"{bea.name}: Done" in alex.text("main")
    press(alex, "button[name=status][value=done]")
    assert "Kept the one time so far." in alex.text("main")
    bea.visit(story["ritual"])
    assert "Kept the one time so far." in bea.text("main")

    bea.submit("Pause it for now")
    assert bea.flash().startswith("Paused.")
    assert "Coming up" not in bea.text("main")
    bea.submit("Resume it")
    assert bea.flash() == "Resumed. Welcome back to it."
    assert "Coming up" in bea.text("main")
    done("kept")


def test_alex_subscribes_to_the_rituals_in_his_calendar_and_removes_the_address(alex):
    needs("kept")
    bond = story["bond"]
    alex.visit(f"{bond}/rituals")
    alex.choose("alarmMinutes", "15")
    alex.submit("Make a calendar address")
    assert alex.h1() == "Your calendar address"
    url = alex.value("feed-url")
    assert re.fullmatch(r"https?://[^/]+/calendar/[a-z0-9]+\.ics", url), url
    with urllib.request.urlopen(url) as response:
        text = response.read().decode()
    assert "SUMMARY:Walk-and-talk call" in text and "TRIGGER:-PT15M" in text
    assert ANSWER not in text
    alex.visit(f"{bond}/rituals")
    assert "A reminder 15 minutes before" in alex.text("#calendar")
    assert url not in alex.driver.page_source, "the address is shown once"
    press(alex, "#calendar form button.link-button")
    assert alex.flash().startswith("That calendar address no longer works.")
    assert_gone(url)


def test_bea_sees_their_hours_together_on_her_phone_and_marks_the_bond_long_distance(bea, alex):
    needs("one day")
    bond = story["bond"]
    bea.visit(bond)
    bea.follow("Your hours together", "main")
    assert bea.h1() == "Your hours together"
    clocks = bea.driver.find_elements(By.CSS_SELECTOR, "main .clock-list .clock-time")
    assert len(clocks) == 2 and all(re.fullmatch(r"\d{2}:\d{2}", c.text) for c in clocks), [c.text for c in clocks]
    rows = bea.table("Both awake, day by day")[1:]
    assert len(rows) == 7, rows
    # London and New York, both awake 08:00–22:00: five hours apart (four around a change of
    # summer time), so on Bea's clock from 08:00 to 17:00 or 18:00 each day.
    assert any(re.fullmatch(r"08:00–1[78]:00", row[1]) for row in rows), rows
    assert bea.driver.find_elements(By.CSS_SELECTOR, "main svg.overlap-band rect.band-awake")
    bea.submit("We're long-distance")
    assert bea.flash() == "Marked long-distance. Ideas that work apart come first now."
    bea.visit(f"{bond}/rituals")
    first_idea = bea.driver.find_element(By.CSS_SELECTOR, "main section[aria-labelledby=ideas-title] li .muted").text
    assert first_idea.startswith("Apart"), first_idea

    # Alex says when he's usually awake; the hours shared follow.
    alex.visit("/settings")
    alex.driver.execute_script("document.getElementById('wake').value = '06:00'")
    alex.submit("Save my hours")
    assert alex.flash() == "Your settings are saved."
    bea.visit(f"{bond}/together")
    assert "awake 06:00–22:00" in bea.text("main .clock-list")


def test_alex_suggests_time_together_bea_suggests_another_time_and_alex_says_yes(alex, bea):
    needs("one day")
    bond = story["bond"]
    alex.visit(bond)
    alex.follow("Time together", "main")
    assert alex.h1() == "Time together"
    suggestions = alex.driver.find_elements(By.CSS_SELECTOR, "main #propose ul.plain-list a")
    assert suggestions, "no times suggested inside the hours both are awake"
    alex.click_through(suggestions[0])
    alex.type_into("title", "film night on a call")
    alex.driver.find_element(By.CSS_SELECTOR, "main input[name=mode][value=apart]").click()
    alex.submit(f"Suggest it to {bea.name}")
    assert alex.flash() == "Suggested. It's theirs to answer now."
    assert "outside the hours you're both usually awake" not in alex.text("main")
    plan = alex.path

    bea.visit(plan)
    assert f"{alex.name} is waiting for your answer" in bea.text("main")
    bea.driver.find_element(By.CSS_SELECTOR, "main details summary").click()
    bea.submit("Suggest this time")
    assert bea.flash() == "You suggested another time. It's theirs to answer now."
    alex.visit(plan)
    alex.submit("Yes, let's")
    assert alex.flash().startswith("You're both in.")
    bea.visit(plan)
    assert "You're both in" in bea.text("main")
