"""A clean console on every page: no JavaScript errors, no failed loads, no CSP violations.

The watcher (tests/browser/conftest.py) records console errors, uncaught exceptions, every
answer >= 400 (a missing favicon or stylesheet included) and Content-Security-Policy
violations. The last tests prove it notices each of those, so a clean run means something.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    ACTION_TIMEOUT_MS,
    BROWSER_TEST_TIMEOUT,
    create_session_via_form,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]


def visit(opened, url: str | None = None) -> list[str]:
    """Problems seen while loading ``url`` (or the page already shown), favicon included."""
    page = opened.page
    if url is not None:
        page.goto(url)
    page.wait_for_load_state("load")
    icons = page.locator("link[rel~='icon']")
    assert icons.count() >= 1, f"{page.url} names no favicon, so the browser asks for a 404"
    for href in icons.evaluate_all("links => links.map(l => l.href)"):
        answer = page.request.get(href)
        assert answer.ok and answer.headers["content-type"].startswith("image/"), href
    problems = opened.problems.of(page)
    opened.problems.console_errors.clear()
    opened.problems.page_errors.clear()
    opened.problems.failed_loads.clear()
    return problems


def test_every_page_has_a_clean_console(open_page, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    opened = open_page()
    page = opened.page
    seen = {"login": visit(opened, "/accounts/login/")}
    log_in(page, "root", "root-password-1")
    seen["create"] = visit(opened, "/")

    page.get_by_role("button", name="Create session").click()  # nothing filled in
    assert page.locator(".field-error").count() == 2
    seen["create with errors"] = visit(opened)

    session = create_session_via_form(page, "+1 415 555 2671")
    seen["session"] = visit(opened)
    # Let the page's scripts run past their first tick and their first poll (3 s): waited
    # for by event, so a loaded machine only makes it slower, never skips it.
    page.wait_for_event(
        "response", lambda response: "status.json" in response.url, timeout=ACTION_TIMEOUT_MS
    )
    seen["session after scripts"] = visit(opened)
    seen["history"] = visit(opened, "/sessions/")
    seen["admin index"] = visit(opened, "/admin/")
    seen["admin sessions"] = visit(opened, "/admin/sandbox/sandboxsession/")
    seen["admin session"] = visit(opened, f"/admin/sandbox/sandboxsession/{session.pk}/change/")
    assert page.get_by_role("img", name="QR code").count() == 1  # the admin's QR preview
    # The account pages (allauth's, in our templates), their scripts included.
    for name, url in (
        ("members", "/team/members/"),
        ("second factor", "/accounts/2fa/"),
        ("signed-in sessions", "/accounts/sessions/"),
        ("change password", "/accounts/password/change/"),
    ):
        seen[name] = visit(opened, url)
    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Add").click()  # a passkey: allauth asks the password first
    page.get_by_label("Password").fill("root-password-1")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    seen["add a passkey"] = visit(opened)
    seen["authenticator app"] = visit(opened, "/accounts/2fa/totp/activate/")
    seen["e-mail addresses"] = visit(opened, "/accounts/email/")
    assert seen == {page: [] for page in seen}


def test_the_watcher_sees_csp_violations(open_page, alice):
    opened = open_page()
    page = opened.page
    page.route(
        "**/watcher-probe/csp",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Security-Policy": "script-src 'self'; style-src 'self'"},
            content_type="text/html",
            body="<!doctype html><title>p</title><p style='color: red'>x</p>"
            "<script>document.title = 'inline ran'</script>",
        ),
    )
    page.goto("/watcher-probe/csp")
    problems = opened.problems.of(page)
    assert page.title() == "p"  # the inline script was blocked...
    assert any(p.startswith("CSP: script-src") for p in problems), problems  # ...and recorded
    assert any(p.startswith("CSP: style-src") for p in problems), problems
    assert any("Content Security Policy" in p for p in problems), problems


def test_the_watcher_sees_script_errors_and_missing_assets(open_page, alice):
    opened = open_page()
    page = opened.page
    page.route(
        "**/watcher-probe/broken",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>p</title>"
            "<link rel='stylesheet' href='/static/css/missing.css'>"
            "<script>console.error('logged'); undefinedFunction();</script>",
        ),
    )
    page.goto("/watcher-probe/broken")
    page.wait_for_load_state("load")
    problems = opened.problems.of(page)
    assert any("404 " in p and "missing.css" in p for p in problems), problems
    assert any("undefinedFunction" in p for p in problems), problems
    assert any("logged" in p for p in problems), problems
