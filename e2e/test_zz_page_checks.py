"""The verdict of the checks made automatically on every page the journeys visited:
axe-core (zero serious or critical violations), the browser console (no errors, so no
Content-Security-Policy violations either), the layout (nothing wider than the viewport, on
the desktop and on the 390 px phone; on the phone, Quick exit still on screen and uncovered
after scrolling to the bottom) and no notes meant for operators. Runs after every other test."""

from __future__ import annotations

import pytest

from support import FINDINGS, PHONE_WIDTH, format_violation, page_pattern

# Every page the journeys are meant to reach; a page missing here means the checks
# never saw it (a journey failed early, or a page moved).
EXPECTED_PAGES = {
    "/",
    "/register",
    "/register?next={path}",
    "/sign-in",
    "/bonds",
    "/bonds/new",
    "/bonds/{id}",
    "/bonds/{id}/invites",
    "/bonds/{id}/leave",
    "/join/{code}",
    "/settings",
    "/settings/delete",
    "/bonds/{id}/measure",
    "/bonds/{id}/measure/eis",
    "/bonds/{id}/measure/eis/take",
    "/bonds/{id}/measure/eis/take?mode=predict",
    "/bonds/{id}/measure/six-signs",
    "/bonds/{id}/measure/six-signs/take",
    "/bonds/{id}/measure/intimacy-balance",
    "/bonds/{id}/measure/intimacy-balance/take",
    "/bonds/{id}/today",
    "/bonds/{id}/days",
    "/bonds/{id}/days/{day}",
    "/bonds/{id}/appreciations",
    "/bonds/{id}/checkin",
    "/bonds/{id}/conversation",
    "/support",
    "/support/saved",
    "/support/device-safety",
    "/settings/devices",
    "/settings/security",
    # Issue 10: the daily return.
    "/bonds/{id}/settings",
    "/bonds/{id}/themes",
    "/settings/reminders",
    "/forgot-password",
    "/reset-password/{token}",
    "/no-such-page",
    # A therapist or counsellor (issue 14)
    "/bonds/{id}/professionals",
    "/bonds/{id}/professionals/invites",
    "/professional-invites/{code}",
    "/register?as=professional&next={path}",
    "/professional",
    "/professional/bonds/{id}",
}

pytestmark = pytest.mark.after_journeys


def test_every_page_passes_axe_core_with_no_serious_or_critical_violations():
    assert FINDINGS.pages, "no page was checked with axe-core"
    seen = {page_pattern(p.url) for p in FINDINGS.pages}
    grouped: dict[str, tuple[dict, list[str]]] = {}
    for page in FINDINGS.pages:
        for v in page.violations:
            entry = grouped.setdefault(v["id"], (v, []))
            where = f"{page_pattern(page.url)} ({page.who})"
            if where not in entry[1]:
                entry[1].append(where)
    report = "\n".join(format_violation(v, where) for v, where in grouped.values())
    shots = sorted({p.artifact for p in FINDINGS.pages if p.artifact})
    if shots:
        report += "\n  pages as axe-core saw them (screenshot and .html beside it):\n    " + "\n    ".join(shots[:20])
    assert not grouped, (
        f"axe-core {FINDINGS.axe_version} found serious or critical violations on "
        f"{sum(1 for p in FINDINGS.pages if p.violations)} of {len(FINDINGS.pages)} page views:\n{report}"
    )
    missing = EXPECTED_PAGES - seen
    assert not missing, f"these pages were never checked: {sorted(missing)} (seen: {sorted(seen)})"


def test_no_page_is_wider_than_its_viewport():
    """Nothing makes a page scroll sideways: `scrollWidth <= innerWidth`, on every page, for
    the desktop and (what matters most) the 390 px phone."""
    phone_views = [p for p in FINDINGS.pages if p.phone]
    assert phone_views, "no page was checked on the phone"
    assert all(p.width == PHONE_WIDTH for p in phone_views), sorted({p.width for p in phone_views})
    found: dict[tuple[str, str], str] = {}
    for page in FINDINGS.pages:
        if page.overflow:
            found.setdefault((page_pattern(page.url), f"{page.who}, {page.width} px"), page.overflow)
    shots = sorted({p.layout_artifact for p in FINDINGS.pages if p.overflow and p.layout_artifact})
    report = "\n".join(f"  {where} ({who}): {what}" for (where, who), what in sorted(found.items()))
    assert not found, (
        f"{len(found)} page(s) scroll sideways:\n{report}"
        + ("\n  as they looked:\n    " + "\n    ".join(shots[:20]) if shots else "")
    )


def test_quick_exit_stays_on_screen_after_scrolling_on_every_page():
    """On every page the phone saw (and the desktop too), Quick exit is still in the
    viewport, and nothing covers it, once the page is scrolled to the bottom."""
    phone_views = [p for p in FINDINGS.pages if p.phone]
    assert phone_views, "no page was checked on the phone"
    found: dict[str, str] = {}
    for page in FINDINGS.pages:
        if page.exit_problem:
            found.setdefault(f"{page_pattern(page.url)} ({page.who}, {page.width} px)", page.exit_problem)
    shots = sorted({p.layout_artifact for p in FINDINGS.pages if p.exit_problem and p.layout_artifact})
    report = "\n".join(f"  {where}: {what}" for where, what in sorted(found.items()))
    assert not found, (
        f"Quick exit is out of reach on {len(found)} page(s):\n{report}"
        + ("\n  as they looked:\n    " + "\n    ".join(shots[:20]) if shots else "")
    )


def test_no_page_shows_notes_meant_for_operators():
    found: dict[str, set[str]] = {}
    for page in FINDINGS.pages:
        for words in page.operator_notes:
            found.setdefault(f"{page_pattern(page.url)} ({page.who})", set()).add(words)
    report = "\n".join(f"  {where}: {', '.join(sorted(words))}" for where, words in sorted(found.items()))
    assert not found, f"notes meant for operators are on people's pages:\n{report}"


def test_no_page_logged_a_console_error():
    lines = [f"{who} on {page_pattern(url)}: {message}" for who, url, message in FINDINGS.console_errors]
    assert not lines, "the browser console reported errors (a CSP violation shows here too):\n" + "\n".join(lines)


def test_the_server_log_holds_nothing_anyone_wrote_or_checked(kindred, alex, bea):
    """Run at debug, the most detailed level Kindred allows: no answer, reply, note,
    appreciation, password or email, no trace of a safety check, no query and no path."""
    import test_daily_return as daily
    import test_journeys as journeys
    import test_practise as practise

    log = kindred.log_path.read_text(errors="replace")
    private = [practise.ALEX_ANSWER, practise.ALEX_FIRST_DRAFT, practise.BEA_ANSWER, practise.BEA_REPLY,
               practise.ALEX_REPLY, practise.APPRECIATION, practise.ALEX_NOTE, practise.BEA_NOTE,
               daily.ALEX_ANSWER, daily.BEA_ANSWER, daily.APPRECIATION, daily.INVITE_MESSAGE, daily.SPARE_MESSAGE,
               daily.NEW_PASSWORD, journeys.PASSWORD_ALEX, journeys.PASSWORD_BEA]
    private += [p.password for p in (alex, bea) if p.password] + [p.email for p in (alex, bea) if p.email]
    private += ["saved_safety_checks", "safety", "/support", "/bonds/", "/reset-password/", "SELECT ", "INSERT ", "UPDATE "]
    found = [text for text in private if text.lower() in log.lower()]
    assert not found, f"the server log ({kindred.log_path}) holds: {found}"
    assert kindred.base_url.removeprefix("http://") in log, "this is not the log of the server the journeys used"
