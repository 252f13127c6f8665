"""Two people, Alex and Bea, in two browsers (a desktop, and a phone): sign up, pair through
an invite link, share a bond home (its badges, who's here, invites and leaving live on the
bond's settings page), change settings, get a password wrong, make form mistakes, land on
their one bond's home when they sign in, and leave.

The tests run in order and build on each other; a test whose earlier step failed is
skipped with the reason, so the first failure is the one to read. Every page either
person lands on is also checked with axe-core (see support.py and test_zz_page_checks.py).
"""

from __future__ import annotations

import re
import uuid

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from support import Person, bond_settings, finish_sign_up, new_story

PASSWORD_ALEX = "quiet river morning tea"
PASSWORD_BEA = "lanterns over the harbour"
RUN = uuid.uuid4().hex[:8]

# What earlier steps made, for later ones: bond path, invite URL, steps done.
story, needs, done = new_story()


def fill_registration(person: Person, name: str, email: str, password: str, time_zone: str) -> None:
    """Fills the sign-up form; the names here have at most two capitals, so typing them
    never looks like Quick exit's Shift-Shift-Shift."""
    csrf = person.driver.find_element(By.CSS_SELECTOR, "main form input[type=hidden][name=csrf]")
    assert len(csrf.get_attribute("value") or "") >= 32, "the sign-up form carries no CSRF token"
    person.type_into("displayName", name)
    person.type_into("email", email)
    person.type_into("password", password)
    person.choose("timeZone", time_zone)


def signed_in_nav(person: Person) -> str:
    return person.text("nav.site-nav")


# --------------------------------------------------------------------------------------


def test_visitor_sees_the_home_page(alex, kindred):
    alex.visit("/")
    assert alex.h1() == "Grow closer, one honest conversation at a time"
    assert alex.has_link("Create an account", "main") and alex.has_link("Sign in", "main")
    nav = signed_in_nav(alex)
    assert "Sign in" in nav and "Create an account" in nav and "My bonds" not in nav
    exit_link = alex.link("Quick exit", "header")
    assert exit_link.get_attribute("href") == kindred.quick_exit_url
    assert "press Shift three times" in alex.text("footer")


def test_the_keyboard_reaches_the_content_first_through_the_skip_link(alex):
    alex.visit("/")
    ActionChains(alex.driver).send_keys(Keys.TAB).perform()
    focused = alex.driver.switch_to.active_element
    assert focused.text == "Skip to content" and focused.get_attribute("href").endswith("#main")
    assert focused.location["x"] >= 0, "the focused skip link is still off screen"
    ActionChains(alex.driver).send_keys(Keys.ENTER).perform()
    WebDriverWait(alex.driver, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "main")


def test_alex_signs_up(alex):
    alex.name, alex.email, alex.password = "Alex Rivers", f"alex.{RUN}@example.org", PASSWORD_ALEX
    alex.visit("/")
    alex.follow("Create an account", "main")
    assert alex.path == "/register"
    assert alex.h1() == "Create your account"
    fill_registration(alex, alex.name, alex.email, alex.password, "Europe/London")
    alex.submit("Create account")
    finish_sign_up(alex)

    assert alex.path == "/bonds"
    assert alex.h1() == "My bonds"
    assert alex.flash().startswith("Welcome to Kindred.")
    nav = signed_in_nav(alex)
    assert "My bonds" in nav and "Settings" in nav and "Sign in" not in nav
    assert alex.button("Sign out", "nav").is_displayed()
    done("alex signed up")


def test_someone_with_no_bonds_is_told_what_a_bond_is(alex):
    needs("alex signed up")
    alex.visit("/bonds")
    assert "A bond is a private space for you and one other person" in alex.text()
    assert not alex.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list li")
    assert not alex.driver.find_elements(By.CSS_SELECTOR, "main ul.bond-list"), "an empty list is shown"


def test_alex_makes_a_bond_and_an_invite_link(alex, kindred):
    needs("alex signed up")
    alex.visit("/bonds")
    alex.follow("Make a new bond", "main")
    assert alex.path == "/bonds/new"
    assert alex.h1() == "Make a new bond"
    alex.driver.find_element(By.CSS_SELECTOR, "label[for=kind-friendship]").click()
    assert alex.field("kind-friendship").is_selected()
    alex.submit("Make the bond")

    assert re.fullmatch(r"/bonds/[0-9a-fA-F-]{36}", alex.path), alex.path
    story["bond"] = alex.path
    assert alex.flash() == "Your bond is ready. Invite the other person with a link."
    assert alex.h1() == "Your new friendship bond"
    assert alex.has_link("Bond settings", "main .bond-heading")
    # Who's here and the badges are on the bond's settings page now.
    alex.follow("Bond settings", "main .bond-heading")
    assert alex.path == story["bond"] + "/settings"
    assert alex.h1() == "Bond settings"
    assert alex.badges() == ["Close friends", "Waiting for them to join"]
    assert f"{alex.name} (you)" in alex.text("section[aria-labelledby=members-title]")
    alex.follow("← Your new friendship bond", "main")
    assert alex.path == story["bond"]
    alex.submit("Make an invite link")

    assert alex.h1() == "Your invite link is ready"
    invite = alex.field("invite-url")
    assert invite.get_attribute("readonly") is not None
    url = invite.get_attribute("value")
    assert re.fullmatch(re.escape(kindred.base_url) + r"/join/[A-Za-z0-9_-]{8,}", url), url
    assert alex.driver.find_element(By.CSS_SELECTOR, "label[for=invite-url]").text == "Invite link"
    story["invite"] = url

    alex.follow("Back to the bond", "main")
    assert alex.path == story["bond"]
    assert "An invite link is waiting to be used." in alex.text()
    alex.follow("bond settings", "main section[aria-labelledby=invite-title]")
    assert alex.path == story["bond"] + "/settings"
    assert "An invite link is waiting to be used." in alex.text("section[aria-labelledby=invite-title]")
    assert alex.button("Make a new link") and alex.button("Withdraw the link")
    done("invite made")


def test_alex_cannot_use_their_own_invite(alex):
    needs("invite made")
    alex.visit(story["invite"])
    assert alex.h1() == "This invite can't be used"
    assert "This is your own invite." in alex.text()
    assert not alex.driver.find_elements(By.XPATH, "//main//button[normalize-space()='Join the bond']")


def test_bea_signs_up_through_the_link_and_joins(bea, alex):
    needs("invite made")
    bea.name, bea.email, bea.password = "Bea Lindqvist", f"bea.{RUN}@example.org", PASSWORD_BEA
    code_path = re.sub(r"^https?://[^/]+", "", story["invite"])

    # Signed out, the link says only that someone invited you: not who, not what bond.
    bea.visit(story["invite"])
    assert bea.h1() == "You've been invited to Kindred"
    assert "Someone would like to share a private space with you here." in bea.text()
    assert alex.name not in bea.text("body")
    assert "Alex" not in bea.driver.page_source, "the signed-out invite page reveals the inviter"
    assert "friendship" not in bea.text("main").lower()

    bea.follow("Create an account", "main")
    assert bea.path.startswith("/register?next=")
    assert bea.driver.find_element(By.CSS_SELECTOR, "main form input[name=next]").get_attribute("value") == code_path
    fill_registration(bea, bea.name, bea.email, bea.password, "America/New_York")
    bea.submit("Create account")
    finish_sign_up(bea)

    # Back on the invite, which now says who it is from, welcomed as someone invited: not
    # told to start by making a bond of her own.
    assert bea.path == code_path
    assert bea.flash() == "Welcome to Kindred. Your account is ready — now accept the invite below to join."
    assert "making a bond" not in bea.text("main").lower(), "an invited person is told to make a bond"
    assert bea.h1() == f"{alex.name} invited you"
    assert f"{alex.name} would like you to join a friendship bond on Kindred" in bea.text()
    bea.submit("Join the bond")

    assert bea.path == story["bond"]
    assert bea.flash() == "You're in. This is the home you share."
    assert bea.h1() == f"You and {alex.name}"
    assert "Invite the other person" not in bea.text()
    bond_settings(bea, story["bond"])
    assert bea.badges() == ["Close friends", "Together"]
    members = bea.text("section[aria-labelledby=members-title]")
    assert f"{bea.name} (you)" in members and alex.name in members and f"{alex.name} (you)" not in members
    assert "Invite" not in bea.text("main"), "an active bond's settings still offer an invite"
    done("paired")


def test_alex_sees_bea_in_the_bond(alex, bea):
    needs("paired")
    alex.visit("/bonds")
    assert alex.has_link(f"You and {bea.name}", "main")
    alex.follow(f"You and {bea.name}", "main")
    assert alex.path == story["bond"]
    assert alex.h1() == f"You and {bea.name}"
    assert "Invite the other person" not in alex.text()
    assert not alex.has_link("Leave this bond", "main"), "leaving is on the bond's settings page"
    alex.follow("Bond settings", "main .bond-heading")
    assert alex.badges() == ["Close friends", "Together"]
    members = alex.text("section[aria-labelledby=members-title]")
    assert f"{alex.name} (you)" in members and bea.name in members
    assert alex.has_link("Leave this bond", "main")


def test_a_used_invite_cannot_be_used_again(bea):
    needs("paired")
    bea.visit(story["invite"])
    assert bea.h1() == "This invite can't be used"
    assert "You're already in this bond." in bea.text()


def test_bea_changes_her_name_and_time_zone(bea, alex):
    needs("paired")
    bea.visit("/bonds")
    bea.follow("Settings", "nav")
    assert bea.path == "/settings"
    assert bea.h1() == "Settings"
    assert bea.value("displayName") == bea.name
    assert bea.selected("timeZone") == "America/New_York"
    assert f"Signed in as {bea.email}." in bea.text()

    # A mistake first: the form comes back with the error and what was chosen.
    bea.type_into("displayName", "   ")
    bea.choose("timeZone", "Asia/Tokyo")
    bea.submit("Save")
    assert bea.h1() == "Settings"
    assert "Please check this" in bea.text(".error-summary")
    assert bea.field("displayName").get_attribute("aria-invalid") == "true"
    assert bea.text("#displayName-error") == "Tell us what to call you."
    assert bea.selected("timeZone") == "Asia/Tokyo"
    assert not bea.flash()

    bea.name = "Bea Lind"
    bea.type_into("displayName", bea.name)
    bea.choose("timeZone", "Asia/Tokyo")
    bea.submit("Save")
    assert bea.path == "/settings"
    assert bea.flash() == "Your settings are saved."
    assert bea.value("displayName") == bea.name
    assert bea.selected("timeZone") == "Asia/Tokyo"

    # The other person sees the new name.
    alex.visit(story["bond"])
    assert alex.h1() == f"You and {bea.name}"
    done("renamed")


def test_a_wrong_current_password_is_refused_in_settings(bea):
    needs("paired")
    bea.visit("/settings")
    bea.type_into("currentPassword", "not my password at all")
    bea.type_into("newPassword", "an entirely new passphrase")
    bea.submit("Change password")
    assert bea.field("currentPassword").get_attribute("aria-invalid") == "true"
    assert bea.text("#currentPassword-error")
    assert bea.value("currentPassword") == "" and bea.value("newPassword") == ""
    assert "an entirely new passphrase" not in bea.driver.page_source
    assert "not my password at all" not in bea.driver.page_source
    # Nothing was changed, so no "password is changed" message.
    assert not bea.flash()


def test_a_wrong_password_at_sign_in_shows_an_error_and_keeps_the_email(alex):
    needs("alex signed up")
    alex.visit("/bonds")
    alex.submit("Sign out", "nav")
    assert alex.path == "/"
    assert alex.flash() == "You've signed out. See you soon."
    assert "My bonds" not in signed_in_nav(alex)

    alex.follow("Sign in", "nav")
    assert alex.path == "/sign-in"
    alex.type_into("email", alex.email)
    alex.type_into("password", "this is not it at all")
    alex.submit("Sign in")

    assert alex.path == "/sign-in"
    assert alex.h1() == "Sign in"
    summary = alex.text(".error-summary")
    assert "We couldn't sign you in" in summary
    assert "That email and password don't match an account." in summary
    assert alex.value("email") == alex.email
    assert alex.value("password") == ""
    assert "this is not it at all" not in alex.driver.page_source
    done("alex signed out")


def test_a_sign_up_mistake_keeps_what_was_typed_but_never_the_password(alex):
    needs("alex signed out")
    alex.visit("/register")
    alex.type_into("displayName", "Casey Example")
    alex.type_into("email", "casey-at-example")
    alex.type_into("password", "too short")
    alex.choose("timeZone", "Australia/Sydney")
    alex.submit("Create account")

    assert alex.path == "/register"
    assert alex.h1() == "Create your account"
    summary = alex.driver.find_element(By.CSS_SELECTOR, ".error-summary[role=alert]")
    assert "Please check this" in summary.text
    links = {a.get_attribute("hash"): a.text for a in summary.find_elements(By.TAG_NAME, "a")}
    assert links.get("#email") == "Enter an email address like name@example.org."
    assert links.get("#password", "").startswith("Use at least 12 characters.")
    assert "#displayName" not in links
    assert alex.value("displayName") == "Casey Example"
    assert alex.value("email") == "casey-at-example"
    assert alex.selected("timeZone") == "Australia/Sydney"
    assert alex.value("password") == ""
    assert "too short" not in alex.driver.page_source
    assert alex.field("email").get_attribute("aria-invalid") == "true"
    assert alex.field("password").get_attribute("aria-invalid") == "true"
    assert alex.field("displayName").get_attribute("aria-invalid") is None


def test_alex_signs_back_in_and_lands_on_his_one_bond(alex, bea):
    """With exactly one active bond, signing in (and the start page) lead to its home."""
    needs("alex signed out")
    alex.visit("/sign-in")
    alex.type_into("email", alex.email)
    alex.type_into("password", alex.password)
    alex.submit("Sign in")
    assert "My bonds" in signed_in_nav(alex)
    done("alex signed in again")
    if "paired" in story["done"]:
        assert alex.path == story["bond"], f"signing in with one active bond led to {alex.path}"
        assert alex.h1() == f"You and {bea.name}"
        alex.visit("/")
        assert alex.path == story["bond"], f"the start page led to {alex.path}"
    else:
        assert alex.path == "/bonds" and alex.h1() == "My bonds"


def test_a_bond_form_mistake_keeps_the_name(alex):
    needs("alex signed in again")
    alex.visit("/bonds/new")
    alex.type_into("name", "Our book club")
    alex.submit("Make the bond")
    assert alex.path == "/bonds"
    assert alex.h1() == "Make a new bond"
    assert alex.text("#kind-error") == "Choose romantic, friendship or family."
    assert "Please check this" in alex.text(".error-summary")
    assert alex.value("name") == "Our book club"
    assert not any(r.is_selected() for r in alex.driver.find_elements(By.NAME, "kind"))


def test_an_unknown_bond_is_not_found_and_the_page_knows_who_is_signed_in(alex):
    needs("alex signed in again")
    alex.visit(f"/bonds/{uuid.uuid4()}")
    assert alex.status() == 404
    assert alex.h1() == "We couldn't find that page"
    assert alex.has_link("Go to the start", "main")
    nav = signed_in_nav(alex)
    assert "My bonds" in nav and "Sign out" in nav, f"the 404 page shows signed-out links: {nav!r}"
    assert "Create an account" not in nav and "Sign in" not in nav, f"the 404 page shows signed-out links: {nav!r}"


def test_the_delete_account_page_asks_for_the_password(alex):
    needs("alex signed in again")
    alex.visit("/settings")
    alex.follow("Delete my account", "main")
    assert alex.path == "/settings/delete"
    assert alex.h1() == "Delete your account"
    alex.type_into("password", "definitely the wrong one")
    alex.submit("Delete my account")
    assert alex.path == "/settings/delete"
    assert alex.field("password").get_attribute("aria-invalid") == "true"
    assert alex.value("password") == ""
    assert alex.has_link("Keep my account", "main")
    # Still here: the account was not deleted.
    alex.visit("/bonds")
    assert alex.h1() == "My bonds"


def test_bea_leaves_and_alex_sees_the_bond_has_ended(bea, alex):
    needs("paired", "alex signed in again")
    bond_settings(bea, story["bond"])
    bea.follow("Leave this bond", "main")
    assert bea.path == story["bond"] + "/leave"
    assert bea.h1() == "Leave this bond?"
    text = bea.text()
    assert "Leaving ends this bond for both of you, straight away." in text
    assert f"{alex.name} will only see that it has ended" in text
    assert bea.has_link("Stay", "main")
    bea.submit("Leave the bond")

    assert bea.path == "/bonds"
    assert bea.flash().startswith("You've left the bond.")
    bea.follow(f"You and {alex.name}", "main")
    assert "This bond has ended" in bea.text()

    alex.visit(story["bond"])
    assert alex.h1() == f"You and {bea.name}"
    ended = alex.driver.find_element(By.CSS_SELECTOR, "main [role=status].card")
    assert "This bond has ended" in ended.text
    assert not alex.has_link("Leave this bond", "main")
    # Nothing says who ended it.
    assert bea.name not in ended.text
    bond_settings(alex, story["bond"])
    assert "Ended" in alex.badges()
    assert not alex.has_link("Leave this bond", "main")
    alex.visit("/bonds")
    assert "Ended" in alex.badges("main .bond-list .badge")
