"""Repair and let go, needs and desires, and this week's plan (issue 13), in two browsers:
Alex on a desktop and Bea on a 390 px phone start a romantic bond. Alex raises something that
hurt; Bea hears it and replies; each says what they will do; it is resolved, Bea suggests
letting it go, and Alex lets it go — it leaves the list, and every repair page carries the quiet
link to the private safety check. Then both confirm they are 18 or over and mark needs and
desires privately: each sees only what both are open to, never the other's "no". Last, Alex
opens this week's plan: three practices, each with its reason.

Runs after the other journeys (conftest.MODULE_ORDER) and reuses Alex and Bea; run alone
(scripts/e2e -k repair) it signs both up first. The tests build on each other; a test whose
earlier step failed is skipped with the reason.
"""

from __future__ import annotations

import re
import uuid

from selenium.webdriver.common.by import By

from support import Person, ensure_signed_in, new_story, start_bond_of_two

RUN = uuid.uuid4().hex[:8]
HURT = "When my news about the job got a shrug at dinner."
REPLY = "I was tired and it came out wrong. I'm sorry; it mattered and I missed it."

story, needs, done = new_story()


def press(person: Person, step: str) -> None:
    """Clicks the step button with this value (its words are in the page, its value is stable)."""
    person.click_through(person.driver.find_element(By.CSS_SELECTOR, f"main button[name=step][value={step}]"))


def test_alex_raises_something_and_bea_hears_it_on_her_phone(alex, bea):
    ensure_signed_in(alex, "Alex Rivers", "quiet river morning tea", f"repair.{RUN}", "Europe/London")
    ensure_signed_in(bea, "Bea Lind", "lanterns over the harbour", f"repair.{RUN}", "America/New_York")
    bond = start_bond_of_two(alex, bea, "romantic", "Just us")
    story["bond"] = bond

    alex.visit(bond)
    alex.follow("Repair and let go", "main")
    assert alex.h1() == "Repair and let go"
    assert alex.has_link("A private check, just for you", "main")
    alex.submit("Raise it")
    assert alex.status() == 422
    assert "Write at least one of these" in alex.text("main")
    alex.type_into("happened", HURT)
    alex.type_into("felt", "Like it didn't count.")
    alex.submit("Raise it")
    assert alex.flash().startswith("Raised."), alex.flash()
    story["repair"] = alex.path

    bea.visit(f"{bond}/repairs")
    assert HURT in bea.text("main")
    bea.follow(HURT, "main")
    assert bea.h1() == f"What {alex.name} raised"
    assert bea.has_link("A private check, just for you", "main")
    bea.type_into("text", REPLY)
    bea.submit("I've heard it")
    assert bea.flash().startswith("Thank you for hearing it"), bea.flash()
    done("raised")


def test_both_say_what_they_will_do_and_alex_lets_it_go(alex, bea):
    needs("raised")
    page = story["repair"]
    alex.visit(page)
    assert REPLY in alex.text("main")
    alex.type_into("text", "Tell you when something matters to me, before dinner.")
    alex.submit("Save what I'll do")
    bea.visit(page)
    bea.type_into("text", "Put my phone down and ask one more question.")
    bea.submit("Save what I'll do")
    assert "Agreed" in bea.text("main")
    press(bea, "resolve")
    assert bea.flash() == "Marked as resolved."
    press(bea, "suggest-let-go")
    assert bea.flash().startswith("You've suggested letting it go")
    assert "Let it go" not in [b.text for b in bea.driver.find_elements(By.CSS_SELECTOR, "main button")], "letting go is Alex's"

    alex.visit(page)
    assert f"{bea.name} has suggested letting this go" in alex.text("main")
    press(alex, "let-go")
    assert alex.flash().startswith("Let go."), alex.flash()
    assert alex.path == f"{story['bond']}/repairs"
    assert HURT not in alex.text("main")
    bea.visit(f"{story['bond']}/repairs")
    assert HURT not in bea.text("main"), "a let-go repair left Bea's list too"
    bea.visit(story["bond"])
    assert HURT not in bea.text("main")
    done("let go")


def test_needs_and_desires_show_only_what_both_are_open_to(alex, bea):
    needs("raised")
    bond = story["bond"]
    alex.visit(bond)
    alex.follow("Needs and desires", "main")
    assert "I am 18 or over" in alex.text("main")
    alex.submit("Continue")
    assert alex.status() == 422
    alex.tick("adult")
    alex.submit("Continue")
    alex.tick("mark-affection-01-yes")
    alex.tick("mark-words-01-maybe")
    alex.tick("mark-touch-01-no")
    alex.submit("Save my marks")
    assert alex.flash().startswith("Saved."), alex.flash()
    matches = alex.text("#matches")
    assert "Nothing yet" in matches

    bea.visit(f"{bond}/desires")
    bea.tick("adult")
    bea.submit("Continue")
    assert not bea.is_checked("mark-affection-01-yes"), "Alex's marks are his"
    bea.tick("mark-affection-01-maybe")
    bea.tick("mark-touch-01-yes")
    bea.tick("mark-words-01-no")
    bea.submit("Save my marks")
    items = {row.find_element(By.TAG_NAME, "legend").text.strip(): row.get_attribute("innerHTML")
             for row in bea.driver.find_elements(By.CSS_SELECTOR, "fieldset.desire-item")}
    bea_matches = bea.text("#matches")
    alex.visit(f"{bond}/desires")
    alex_matches = alex.text("#matches")
    assert bea_matches == alex_matches, "both see the same matches"
    assert "Talk about it:" in alex_matches
    assert len(alex.driver.find_elements(By.CSS_SELECTOR, "#matches li")) == 1, alex_matches
    assert len(items) >= 40
    done("desires")


def test_this_weeks_plan_has_three_practices_with_reasons(alex):
    needs("raised")
    alex.visit(f"{story['bond']}/plan")
    assert alex.h1() == "This week's plan"
    practices = alex.driver.find_elements(By.CSS_SELECTOR, "main ol li.card")
    assert len(practices) == 3
    for practice in practices:
        assert "Because " in practice.text, practice.text
    first = practices[0].find_element(By.CSS_SELECTOR, "a.button")
    alex.click_through(first)
    assert alex.status() == 200
