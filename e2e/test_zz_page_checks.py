"""The verdict of the checks made automatically on every page the journeys visited:
axe-core (zero serious or critical violations) and the browser console (no errors, so no
Content-Security-Policy violations either). Runs after every other test."""

from __future__ import annotations

import pytest

from support import FINDINGS, format_violation, page_pattern

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


def test_no_page_logged_a_console_error():
    lines = [f"{who} on {page_pattern(url)}: {message}" for who, url, message in FINDINGS.console_errors]
    assert not lines, "the browser console reported errors (a CSP violation shows here too):\n" + "\n".join(lines)


def test_the_server_log_holds_nothing_anyone_wrote_or_checked(kindred, alex, bea):
    """Run at debug, the most detailed level Kindred allows: no answer, reply, note,
    appreciation, password or email, no trace of a safety check, no query and no path."""
    import test_practise as practise

    log = kindred.log_path.read_text(errors="replace")
    private = [practise.ALEX_ANSWER, practise.ALEX_FIRST_DRAFT, practise.BEA_ANSWER, practise.BEA_REPLY,
               practise.ALEX_REPLY, practise.APPRECIATION, practise.ALEX_NOTE, practise.BEA_NOTE]
    private += [p.password for p in (alex, bea) if p.password] + [p.email for p in (alex, bea) if p.email]
    private += ["saved_safety_checks", "safety", "/support", "/bonds/", "SELECT ", "INSERT ", "UPDATE "]
    found = [text for text in private if text.lower() in log.lower()]
    assert not found, f"the server log ({kindred.log_path}) holds: {found}"
    assert kindred.base_url.removeprefix("http://") in log, "this is not the log of the server the journeys used"
