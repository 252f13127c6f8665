"""Measuring, in two browsers: Alex and Bea share a romantic bond, take the Emotional
Intimacy Scale, predict each other's answers, share and stop sharing — and each sees only
what the rules allow. An unshared result and a prediction must never reach the other person.

The bond home suggests at most one questionnaire at a time (in a bond's first week, the EIS
only) and links to all of them ("How close you feel: all questionnaires"); the Measure page
lists every questionnaire with what is due and each person's latest result.

Runs after test_journeys.py, whose friendship bond Bea has left by then, so these tests
make a fresh romantic bond. Run alone (scripts/e2e -k measure) they sign both people up
first. The tests build on each other; a test whose earlier step failed is skipped with the
reason. Every page either person lands on is also checked with axe-core.
"""

from __future__ import annotations

import re
import uuid

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from support import Person, bond_settings, ensure_signed_in, new_story

RUN = uuid.uuid4().hex[:8]
EIS = "Emotional Intimacy Scale"
EIS_ITEMS = [
    "This person completely accepts me as I am.",
    "I can openly share my deepest thoughts and feelings with this person.",
    "This person cares deeply for me.",
    "This person would willingly help me in any way.",
    "My thoughts and feelings are understood and affirmed by this person.",
]
# Alex's answers (21 of 25), Bea's own (22 of 25) and Bea's guesses at Alex's: on average
# 1.2 points off on a 1-5 scale, so 100 * (1 - 1.2 / 4) = 70 out of 100.
ALEX_EIS = {"eis1": 4, "eis2": 5, "eis3": 4, "eis4": 5, "eis5": 3}
BEA_EIS = {"eis1": 5, "eis2": 4, "eis3": 5, "eis4": 4, "eis5": 4}
BEA_GUESSES = {"eis1": 3, "eis2": 3, "eis3": 5, "eis4": 4, "eis5": 2}
ALEX_SCORE, BEA_SCORE = "21 of 25", "22 of 25"
INSTRUMENTS = [
    EIS,
    "The six signs of emotional intimacy",
    "Intimacy balance",
    "Couples Satisfaction Index (4 items)",
    "Satisfaction With Life Scale",
]
SAVED = "Saved. Only you can see this result unless you share it."
ALL_QUESTIONNAIRES = "How close you feel: all questionnaires"
EIS_SUGGESTION = (
    f"{EIS}: 5 short questions, a few quiet minutes. Only you see your answers unless you share them."
)
PREDICTION_SAVED = (
    "Your prediction is saved. It stays private; once they share their own answers you'll both see how close it was."
)

story, needs, done = new_story()


# --------------------------------------------------------------------------------------
# Helpers


def measure_path(key: str = "eis") -> str:
    return f"{story['bond']}/measure/{key}"


def section_text(person: Person, title_id: str) -> str:
    found = person.driver.find_elements(By.CSS_SELECTOR, f"main section[aria-labelledby={title_id}]")
    return found[0].text if found else ""


def together(person: Person) -> str:
    """The "You and <name>" section of an instrument's page."""
    return section_text(person, "together-title")


def card(person: Person, title: str) -> WebElement:
    """One questionnaire's card on the Measure page."""
    found = person.driver.find_elements(By.XPATH, f"//main//li[contains(@class,'card')][h2[normalize-space()='{title}']]")
    assert found, f"{person.label} sees no card {title!r} on {person.path}"
    return found[0]


def measure_cards(person: Person) -> dict[str, str]:
    """Every questionnaire's card on the Measure page (visited here): title -> its text."""
    person.visit(f"{story['bond']}/measure")
    assert person.h1() == "Measure"
    return {
        li.find_element(By.CSS_SELECTOR, "h2").text.strip(): li.text
        for li in person.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list > li.card")
    }


def due(cards: dict[str, str]) -> list[str]:
    """The questionnaires whose card has the Due badge."""
    return sorted(title for title, text in cards.items() if "Due" in text.split("\n")[1])


def suggestion(person: Person) -> str:
    """The bond home's one questionnaire suggestion ("When you have a moment"), or ""."""
    found = person.driver.find_elements(By.CSS_SELECTOR, "main section[aria-labelledby=suggestion-title]")
    assert len(found) <= 1, f"{person.label} is offered {len(found)} questionnaires at once"
    return found[0].text if found else ""


def legends(person: Person) -> list[str]:
    """Each question's legend: its position ("2 of 5") and its text."""
    return [" ".join(l.text.split()) for l in person.driver.find_elements(By.CSS_SELECTOR, "main form fieldset.question > legend")]


def answer_all(person: Person, answers: dict[str, int]) -> None:
    for item, value in answers.items():
        person.tick(f"answer-{item}-{value}")


def checked_answers(person: Person) -> dict[str, int]:
    found = {}
    for radio in person.driver.find_elements(By.CSS_SELECTOR, "main form input[type=radio]:checked"):
        found[radio.get_attribute("name").removeprefix("answer-")] = int(radio.get_attribute("value"))
    return found


def active_id(person: Person) -> str:
    return person.driver.switch_to.active_element.get_attribute("id") or ""


def press(person: Person, *keys: str) -> None:
    actions = ActionChains(person.driver)
    for key in keys:
        actions.send_keys(key)
    actions.perform()


def assert_chart(person: Person, within: str, title: str) -> WebElement:
    """A server-drawn SVG chart: an image to assistive technology, named by its <title>."""
    svgs = person.driver.find_elements(By.CSS_SELECTOR, f"{within} figure svg")
    assert svgs, f"{person.label} sees no chart in {within} on {person.path}"
    svg = svgs[0]
    assert svg.get_attribute("role") == "img"
    titles = svg.find_elements(By.CSS_SELECTOR, ":scope > title")
    assert titles and titles[0].get_attribute("textContent") == title
    labelled_by = (svg.get_attribute("aria-labelledby") or "").split()
    assert titles[0].get_attribute("id") in labelled_by, "the chart is not named by its <title>"
    for ref in labelled_by:
        assert person.driver.find_elements(By.ID, ref), f"aria-labelledby points at a missing #{ref}"
    return svg


def assert_shows_nothing_of(person: Person, other: Person, score: str) -> None:
    """None of the other person's result on this page: not the score, not that they shared."""
    source = person.driver.page_source
    assert score not in source, f"{person.label} can see {other.label}'s private score {score} on {person.path}"
    assert f"{other.name} shared" not in source
    assert "Side by side" not in source
    assert "Shared with you" not in source


# --------------------------------------------------------------------------------------


def test_alex_and_bea_share_a_romantic_bond(alex, bea, kindred):
    ensure_signed_in(alex, "Alex Rivers", "quiet river morning tea", f"measure.{RUN}")
    ensure_signed_in(bea, "Bea Lind", "lanterns over the harbour", f"measure.{RUN}")
    alex.visit("/bonds/new")
    alex.tick("kind-romantic")
    alex.type_into("name", "our measures")
    alex.submit("Make the bond")
    assert re.fullmatch(r"/bonds/[0-9a-fA-F-]{36}", alex.path), alex.path
    story["bond"] = alex.path
    assert alex.h1() == "our measures"
    bond_settings(alex, story["bond"])
    assert alex.badges() == ["Partners", "Waiting for them to join"]
    alex.submit("Make an invite link")
    invite = alex.value("invite-url")
    assert invite.startswith(kindred.base_url + "/join/")

    bea.visit(invite)
    assert bea.h1() == f"{alex.name} invited you"
    bea.submit("Join the bond")
    assert bea.path == story["bond"]
    assert bea.h1() == "our measures"
    bond_settings(bea, story["bond"])
    assert bea.badges() == ["Partners", "Together"]
    done("bond")


def test_the_bond_home_suggests_one_questionnaire_and_the_measure_page_lists_every_one(alex, bea):
    needs("bond")
    alex.visit(story["bond"])
    # In a bond's first week, one gentle suggestion: the EIS. No wall of "Due".
    offer = suggestion(alex)
    assert offer == f"When you have a moment\n{EIS_SUGGESTION}\nTake it", offer
    assert alex.link("Take it", "main section[aria-labelledby=suggestion-title]").get_attribute("href") == (
        alex.server.url(measure_path() + "/take")
    )
    assert not alex.driver.find_elements(By.CSS_SELECTOR, "main .badge.due"), "the bond home shows Due badges"
    for title in INSTRUMENTS[1:]:
        assert title not in alex.text("main"), f"the bond home offers {title} in the first week"

    alex.follow(ALL_QUESTIONNAIRES, "main")
    assert alex.path == f"{story['bond']}/measure"
    assert alex.h1() == "Measure"
    assert f"private to you until you choose to share a result with {bea.name}" in alex.text()
    titles = [h.text for h in alex.driver.find_elements(By.CSS_SELECTOR, "main li.card h2")]
    assert sorted(titles) == sorted(INSTRUMENTS)
    for title in INSTRUMENTS:
        c = card(alex, title)
        links = [a.text for a in c.find_elements(By.CSS_SELECTOR, ".actions a")]
        assert links == ["Take it", f"Predict {bea.name}’s answers"], (title, links)
        assert "You haven't taken this yet." in c.text and "Due" in c.text
    assert "Validated questionnaire" in card(alex, EIS).text
    assert "Kindred check — not a validated scale" in card(alex, INSTRUMENTS[1]).text
    assert due(measure_cards(alex)) == sorted(INSTRUMENTS), "CSI-4 belongs in a romantic bond's list"
    done("overview")


def test_alex_takes_the_eis_by_keyboard_and_a_missing_answer_is_pointed_out(alex, bea):
    needs("overview")
    alex.visit(f"{story['bond']}/measure")
    alex.click_through(card(alex, EIS).find_element(By.LINK_TEXT, "Take it"))
    assert alex.path == measure_path() + "/take"
    assert alex.h1() == EIS
    assert legends(alex) == [f"{i} of 5 {text}" for i, text in enumerate(EIS_ITEMS, 1)]
    assert alex.driver.find_element(By.CSS_SELECTOR, "label[for=share]").text.startswith(f"Share this result with {bea.name}")
    assert not alex.is_checked("share")
    assert "Source: Sinclair, V. G., & Dowdy" in alex.text()

    # Keyboard only for the first two: Tab from the Back link reaches the first question's
    # first option, Space picks it, arrows move the choice, Tab goes on to the next question.
    back = alex.link("← Back", "main")
    alex.driver.execute_script("arguments[0].focus()", back)
    press(alex, Keys.TAB)
    assert active_id(alex) == "answer-eis1-1", "Tab from Back does not reach the first option"
    press(alex, Keys.SPACE)
    assert alex.is_checked("answer-eis1-1")
    press(alex, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert active_id(alex) == "answer-eis1-4" and alex.is_checked("answer-eis1-4")
    assert not alex.is_checked("answer-eis1-1")
    press(alex, Keys.TAB)
    assert active_id(alex) == "answer-eis2-1", "Tab does not move on to the next question"
    press(alex, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert active_id(alex) == "answer-eis2-5" and alex.is_checked("answer-eis2-5")

    # The mouse for two more, and the last one forgotten.
    alex.tick("answer-eis3-4")
    alex.tick("answer-eis4-5")
    alex.submit("See my result")

    assert alex.status() == 422
    assert alex.path == measure_path() + "/take"
    assert alex.h1() == EIS
    summary = alex.driver.find_element(By.CSS_SELECTOR, "main .error-summary[role=alert]")
    assert "Please check this" in summary.text
    links = {a.get_attribute("hash"): a.text for a in summary.find_elements(By.TAG_NAME, "a")}
    assert links == {"#answer-eis5-fieldset": "Question 5 of 5: Please answer this one."}
    assert alex.text("#answer-eis5-error") == "Please answer this one."
    fieldset = alex.field("answer-eis5-fieldset")
    assert fieldset.get_attribute("aria-describedby") == "answer-eis5-error"
    assert len(alex.driver.find_elements(By.CSS_SELECTOR, "main .field-error")) == 1
    assert checked_answers(alex) == {"eis1": 4, "eis2": 5, "eis3": 4, "eis4": 5}, "answers already chosen were lost"
    assert not alex.is_checked("share")
    assert not alex.flash()
    done("alex mistake")


def test_alex_completes_the_eis_without_sharing_and_sees_his_score_and_chart(alex, bea):
    needs("alex mistake")
    alex.tick("answer-eis5-3")
    assert checked_answers(alex) == ALEX_EIS
    alex.submit("See my result")

    assert alex.path == measure_path()
    assert alex.flash() == SAVED
    assert alex.h1() == EIS
    latest = section_text(alex, "latest-title")
    assert alex.text("section[aria-labelledby=latest-title] .score").startswith(ALEX_SCORE)
    assert "your first result" in latest
    svg = assert_chart(alex, "section[aria-labelledby=latest-title]", "Your latest EIS profile")
    assert len(svg.find_elements(By.CSS_SELECTOR, "rect.chart-bar")) == 5
    assert alex.table("Your latest profile") == [
        ["Part", "Score"],
        ["1. Trust", "4 of 5"],
        ["2. Self-disclosure", "5 of 5"],
        ["3. Positive feelings", "4 of 5"],
        ["4. Mutual support", "5 of 5"],
        ["5. Feeling understood", "3 of 5"],
    ]
    assert "What it means" in alex.text() and "What tends to help" in alex.text()
    history = alex.table("Every result you've taken")
    assert len(history) == 2 and history[1][1] == ALEX_SCORE and history[1][2] == "Private Share"
    assert "Source: Sinclair, V. G., & Dowdy" in section_text(alex, "about-title")
    mine = together(alex)
    assert mine.startswith(f"You and {bea.name}")
    assert "When you have both shared a result taken within 14 days" in mine
    assert "How well" not in mine
    assert "Due" not in alex.badges("main > h1 + p .badge")

    cards = measure_cards(alex)
    assert f"Your latest: {ALEX_SCORE} on " in cards[EIS] and "your first result" in cards[EIS], cards[EIS]
    assert due(cards) == sorted(INSTRUMENTS[1:])
    # The first week's suggestion is taken: the home suggests nothing more this week.
    alex.visit(story["bond"])
    assert not suggestion(alex), suggestion(alex)
    assert alex.has_link(ALL_QUESTIONNAIRES, "main")
    done("alex took eis")


def test_bea_sees_nothing_of_alexs_unshared_result(bea, alex):
    needs("alex took eis")
    bea.visit(story["bond"])
    assert EIS_SUGGESTION in suggestion(bea), "Bea, who has not taken the EIS, is not offered it"
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)

    bea.follow(ALL_QUESTIONNAIRES, "main")
    assert "You haven't taken this yet." in card(bea, EIS).text
    assert len(bea.driver.find_elements(By.CSS_SELECTOR, "main .badge.due")) == 5
    assert "Shared with you" not in card(bea, EIS).text
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)

    bea.click_through(card(bea, EIS).find_element(By.CSS_SELECTOR, "h2 a"))
    assert bea.path == measure_path()
    assert not section_text(bea, "latest-title"), "Bea sees a result although she took none"
    assert not section_text(bea, "history-title")
    theirs = together(bea)
    assert theirs.startswith(f"You and {alex.name}")
    assert "How well" not in theirs
    assert bea.captions() == []
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)
    done("bea saw nothing")


def test_bea_predicts_alexs_answers_privately(bea, alex):
    needs("bea saw nothing")
    bea.visit(measure_path())
    bea.follow(f"Predict {alex.name}’s answers", "main")
    assert bea.path == measure_path() + "/take?mode=predict"
    story["prediction heading"] = bea.h1()
    assert f"Answer each one as you think {alex.name} would." in bea.text()
    assert legends(bea)[0] == "1 of 5 They would say: this person (you) completely accepts me as I am."
    assert len(legends(bea)) == 5
    assert not bea.driver.find_elements(By.ID, "share"), "a prediction offers to be shared"
    answer_all(bea, BEA_GUESSES)
    bea.submit("Save my prediction")

    assert bea.path == measure_path()
    assert bea.flash() == PREDICTION_SAVED
    # A prediction is not a result of her own, and says nothing until Alex shares.
    assert not section_text(bea, "latest-title") and not section_text(bea, "history-title")
    assert "How well" not in together(bea)
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)
    done("bea predicted")


def test_the_prediction_form_names_whose_answers_are_guessed(alex):
    """The heading says whose answers: "Predict Alex Rivers’s answers: EIS", as the
    buttons leading to it do."""
    needs("bea predicted")
    assert story["prediction heading"] == f"Predict {alex.name}’s answers: EIS"


def test_alex_never_sees_beas_guesses_while_his_result_is_private(alex, bea):
    needs("bea predicted")
    alex.visit(measure_path())
    mine = together(alex)
    assert "How well" not in mine
    assert "They would say" not in alex.driver.page_source
    assert "guess" not in alex.driver.page_source.lower()
    assert alex.captions() == ["Your latest profile", "Every result you've taken"]
    alex.visit(story["bond"])
    assert "guess" not in alex.driver.page_source.lower()


def test_alex_shares_and_sees_how_well_bea_knows_him_but_not_her_guesses(alex, bea):
    needs("bea predicted")
    alex.visit(measure_path())
    alex.submit("Share", "section[aria-labelledby=history-title]")
    assert alex.path == measure_path()
    assert alex.flash() == "Shared. The other person can now see this result."
    history = alex.table("Every result you've taken")
    assert history[1][1] == ALEX_SCORE and history[1][2] == "Shared Stop sharing"

    mine = together(alex)
    assert f"How well {bea.name} knows you" in mine
    assert f"70 out of 100 — {bea.name} guessed your answers to within 1.2 points on average." in mine
    assert "How well you know" not in mine
    # Only the figure: no table of her guesses, nothing in the page's source either.
    assert alex.captions() == ["Your latest profile", "Every result you've taken"]
    assert "guessed" not in alex.driver.page_source.replace(f"{bea.name} guessed your answers", "")
    assert "They would say" not in alex.driver.page_source
    done("alex shared")


def test_bea_sees_alexs_shared_score_and_how_well_she_knows_him(bea, alex):
    needs("alex shared")
    bea.visit(measure_path())
    theirs = together(bea)
    assert f"{alex.name} shared {ALEX_SCORE} on " in theirs
    assert f"How well you know {alex.name}" in theirs
    assert f"70 out of 100 — on average your guesses were 1.2 points from {alex.name}’s own answers." in theirs
    assert bea.table("Your guesses beside their answers") == [["Question", "You guessed", "They answered"]] + [
        [text, str(BEA_GUESSES[f"eis{i}"]), str(ALEX_EIS[f"eis{i}"])] for i, text in enumerate(EIS_ITEMS, 1)
    ]
    # No comparison yet: Bea has not taken it herself.
    assert "Side by side" not in bea.captions()
    assert "When you have both shared a result taken within 14 days" in theirs

    bea.follow("← All questionnaires", "main")
    assert "Shared with you" in card(bea, EIS).text
    done("bea saw alex's share")


def test_bea_takes_the_eis_and_shares_it(bea, alex):
    needs("bea saw alex's share")
    bea.visit(f"{story['bond']}/measure")
    bea.click_through(card(bea, EIS).find_element(By.LINK_TEXT, "Take it"))
    assert bea.h1() == EIS
    answer_all(bea, BEA_EIS)
    bea.tick("share")
    bea.submit("See my result")

    assert bea.path == measure_path()
    story["flash after sharing"] = bea.flash()
    assert bea.text("section[aria-labelledby=latest-title] .score").startswith(BEA_SCORE)
    history = bea.table("Every result you've taken")
    assert len(history) == 2 and history[1][1] == BEA_SCORE and history[1][2] == "Shared Stop sharing"
    done("bea shared")


def test_the_message_after_sharing_on_the_form_does_not_call_the_result_private():
    """Ticking "Share this result" and submitting must not be answered with "Only you can
    see this result unless you share it.": it is already shared."""
    needs("bea shared")
    flash = story["flash after sharing"]
    assert flash, "no message after saving a result"
    assert "Only you can see this result" not in flash, flash


def comparison_rows(mine: dict[str, int], theirs: dict[str, int], name: str) -> list[list[str]]:
    def difference(a: int, b: int) -> str:
        return "same" if a == b else f"{a - b:+d}"

    return [["Question or sign", "You", name, "Difference"]] + [
        [text, str(mine[f"eis{i}"]), str(theirs[f"eis{i}"]), difference(mine[f"eis{i}"], theirs[f"eis{i}"])]
        for i, text in enumerate(EIS_ITEMS, 1)
    ]


def test_both_see_the_comparison_side_by_side(alex, bea):
    needs("bea shared")
    bea.visit(measure_path())
    theirs = together(bea)
    assert bea.table("Side by side") == comparison_rows(BEA_EIS, ALEX_EIS, alex.name)
    assert "Differences are yours minus theirs." in theirs
    assert f"How well you know {alex.name}" in theirs
    assert re.search(r"\b(\d{1,3}) out of 100\b", theirs) and 0 <= int(re.search(r"\b(\d{1,3}) out of 100\b", theirs)[1]) <= 100
    assert "Your guesses beside their answers" in bea.captions()

    alex.visit(measure_path())
    mine = together(alex)
    assert f"{bea.name} shared {BEA_SCORE} on " in mine
    assert alex.table("Side by side") == comparison_rows(ALEX_EIS, BEA_EIS, bea.name)
    assert f"How well {bea.name} knows you" in mine
    figure = re.search(r"\b(\d{1,3}) out of 100\b", mine)
    assert figure and 0 <= int(figure[1]) <= 100
    assert "Your guesses beside their answers" not in alex.captions()
    assert alex.captions() == ["Your latest profile", "Side by side", "Every result you've taken"]
    assert "How well you know" not in mine, "Alex made no prediction"

    assert f"Your latest: {ALEX_SCORE} on " in measure_cards(alex)[EIS]
    done("compared")


def test_alex_stops_sharing_and_bea_no_longer_sees_his_result(alex, bea):
    needs("compared")
    alex.visit(measure_path())
    alex.submit("Stop sharing", "section[aria-labelledby=history-title]")
    assert alex.flash() == "No longer shared. Only you can see this result."
    assert alex.table("Every result you've taken")[1][2] == "Private Share"
    story["alex sharing url"] = alex.driver.find_element(
        By.CSS_SELECTOR, "section[aria-labelledby=history-title] tbody form"
    ).get_attribute("action")
    assert "Side by side" not in alex.captions()
    # Bea's guesses are only ever judged against what Alex shares.
    assert "How well" not in together(alex)

    bea.visit(measure_path())
    theirs = together(bea)
    assert "Side by side" not in bea.captions()
    assert "Your guesses beside their answers" not in bea.captions()
    assert "How well" not in theirs
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)
    # Her own result is still hers to see.
    assert bea.text("section[aria-labelledby=latest-title] .score").startswith(BEA_SCORE)

    bea.follow("← All questionnaires", "main")
    assert "Shared with you" not in card(bea, EIS).text
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)
    bea.visit(story["bond"])
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)
    done("alex unshared")


def test_bea_cannot_share_alexs_private_result_for_him(bea, alex):
    """Bea sends her own Share form, with her own CSRF token, to the address of Alex's
    result: refused as not found, and his result stays private."""
    needs("alex unshared")
    bea.visit(measure_path())
    form = bea.driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=history-title] tbody form")
    bea.driver.execute_script(
        "arguments[0].action = arguments[1]; arguments[0].querySelector('input[name=shared]').value = 'yes'",
        form, story["alex sharing url"],
    )
    bea.click_through(form.find_element(By.TAG_NAME, "button"))
    assert bea.status() == 404
    assert bea.h1() == "We couldn't find that page"
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)

    bea.visit(measure_path())
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)
    alex.visit(measure_path())
    assert alex.table("Every result you've taken")[1][2] == "Private Share"


def test_alex_takes_the_six_signs_and_sees_his_profile(alex):
    needs("bond")
    alex.visit(f"{story['bond']}/measure")
    alex.click_through(card(alex, INSTRUMENTS[1]).find_element(By.LINK_TEXT, "Take it"))
    assert alex.path == measure_path("six-signs") + "/take"
    found = legends(alex)
    assert len(found) == 12 and found[0].startswith("1 of 12 ") and found[-1].startswith("12 of 12 ")
    assert "Kindred check — not a validated scale" in alex.text()
    items = [r.get_attribute("name").removeprefix("answer-")
             for r in alex.driver.find_elements(By.CSS_SELECTOR, "main form input[type=radio][value='1']")]
    # Open sharing all 5s (100), trust all 1s (0), the rest 3s (50): overall (100 + 0 + 4 x 50) / 6 = 50.
    answers = {item: 5 if item in ("open1", "open2") else 1 if item.startswith("trust") else 3 for item in items}
    answer_all(alex, answers)
    alex.submit("See my result")

    assert alex.path == measure_path("six-signs")
    assert alex.flash() == SAVED
    assert alex.text("section[aria-labelledby=latest-title] .score").startswith("50 of 100")
    svg = assert_chart(alex, "section[aria-labelledby=latest-title]", "Your latest Six signs profile")
    assert len(svg.find_elements(By.CSS_SELECTOR, "rect.chart-bar")) == 6
    desc = svg.find_element(By.CSS_SELECTOR, ":scope > desc").get_attribute("textContent")
    assert "Open and honest sharing: 100 of 100" in desc and "Trust: 0 of 100" in desc
    rows = alex.table("Your latest profile")
    assert rows[1:] == [
        ["Open and honest sharing", "100 of 100"],
        ["Trust", "0 of 100"],
        ["Positive feelings", "50 of 100"],
        ["Quality time", "50 of 100"],
        ["Listening and communication", "50 of 100"],
        ["Vulnerability", "50 of 100"],
    ]
    assert "Source:" not in alex.text(), "a Kindred check cites no source"
    done("six signs")


def test_bea_checks_the_intimacy_balance_and_is_told_of_an_imbalance(bea):
    needs("bond")
    bea.visit(f"{story['bond']}/measure")
    bea.follow("Intimacy balance", "main")
    assert bea.path == measure_path("intimacy-balance")
    assert bea.h1() == "Intimacy balance"
    assert "Closeness comes in different kinds." in bea.text()
    bea.follow("Take it", "main")
    found = legends(bea)
    assert len(found) == 6 and found[0].startswith("1 of 6 "), "a romantic bond asks about all three kinds"
    assert any("sexual relationship" in legend for legend in found)
    answer_all(bea, {
        "emotional-satisfaction": 2, "emotional-attention": 1,
        "physical-satisfaction": 4, "physical-attention": 5,
        "sexual-satisfaction": 3, "sexual-attention": 3,
    })
    bea.submit("See my result")

    assert bea.path == measure_path("intimacy-balance")
    assert bea.text("section[aria-labelledby=latest-title] .score").startswith("3 of 5")
    insight = bea.text("section[aria-labelledby=latest-title] .insight[role=note]")
    assert insight.startswith("Much of your attention goes to physical closeness, while emotional closeness feels unsatisfying.")
    assert_chart(bea, "section[aria-labelledby=latest-title]", "Your latest Balance profile")
    assert len(bea.table("Your latest profile")) == 7
    done("balance")


def test_both_see_only_their_own_results_on_the_measure_page_and_none_on_the_home(alex, bea):
    needs("alex unshared", "six signs", "balance")
    cards = measure_cards(alex)
    assert "Your latest: 50 of 100 on " in cards[INSTRUMENTS[1]]
    assert "You haven't taken this yet." in cards["Intimacy balance"]
    assert due(cards) == sorted(["Intimacy balance", INSTRUMENTS[3], INSTRUMENTS[4]])

    cards = measure_cards(bea)
    assert f"Your latest: {BEA_SCORE} on " in cards[EIS]
    assert "Your latest: 3 of 5 on " in cards["Intimacy balance"]
    assert "You haven't taken this yet." in cards[INSTRUMENTS[1]]
    assert "50 of 100" not in bea.driver.page_source
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)

    # The bond home shows no one's results: only what to do next.
    for person in (alex, bea):
        person.visit(story["bond"])
        for score in ("50 of 100", ALEX_SCORE, BEA_SCORE, "3 of 5"):
            assert score not in person.text("main"), f"{person.label}'s bond home shows a result ({score})"
    assert "50 of 100" not in bea.driver.page_source
    assert_shows_nothing_of(bea, alex, ALEX_SCORE)
