"""Accessible: keyboard only, labelled controls, a text alternative for the QR code, WCAG AA
contrast measured in the rendered page, and status changes announced to screen readers."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import expect

from sandbox.models import SandboxSession
from tests.browser.conftest import (
    BROWSER_TEST_TIMEOUT,
    PHONE,
    SESSION_URL,
    create_session_via_form,
    log_in,
)
from tests.conftest import emulator_control
from tests.factories import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]

# How an element is named in these tests: its id, or its tag and text.
DESCRIBE = "(el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}:${el.textContent.trim()}`"
DESCRIBE_FOCUS = (
    "() => !document.activeElement || document.activeElement === document.body"
    f' ? "body" : ({DESCRIBE})(document.activeElement)'
)


def tab_cycle(page, presses: int = 40) -> list[str]:
    """What Tab focuses, in order, once round the whole page from its first stop."""
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(DESCRIBE_FOCUS))
    first = "a:Skip to content"
    cycle = seen[seen.index(first) :]
    return cycle[: cycle.index(first, 1)] if cycle.count(first) > 1 else cycle


def test_create_form_works_with_the_keyboard_alone(open_page, kapso, alice):
    page = open_page().page
    log_in(page, "alice", "alice-password-1")
    page.goto("/")
    cycle = tab_cycle(page)
    order = ["#id_agent_id", "button:Reload agents", "#id_phone_number", "button:Create session"]
    assert [stop for stop in cycle if stop in order] == order, cycle
    # Every control in the form that people can see or hear is a Tab stop.
    controls = page.locator("main form").evaluate(
        """form => [...form.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
              .filter(el => el.checkVisibility() && el.getAttribute("aria-hidden") !== "true")
              .map("""
        + DESCRIBE
        + ")"
    )
    assert sorted(controls) == sorted(order)

    # Pick an agent, type the number and press Enter: nothing but keys.
    page.goto("/")
    for _ in range(len(cycle)):
        if page.evaluate(DESCRIBE_FOCUS) == "#id_agent_id":
            break
        page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE_FOCUS) == "#id_agent_id"
    page.keyboard.press("ArrowDown")
    agent = page.get_by_label("Agent").input_value()
    assert agent
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE_FOCUS) == "#id_phone_number"
    page.keyboard.type("+44 20 7946 0958")
    page.keyboard.press("Enter")
    page.wait_for_url(SESSION_URL)
    session = SandboxSession.objects.get(pk=int(SESSION_URL.match(page.url).group(1)))
    assert (session.phone_number, session.agent.kapso_id) == ("+442079460958", agent)

    # The session page's controls are reachable too.
    cycle = tab_cycle(page)
    assert "a:Open in WhatsApp" in cycle and "button:Copy code" in cycle
    assert "a:PNG" in cycle and "a:SVG" in cycle


UNLABELLED_FIELDS = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(el => el.type !== "hidden")
  .filter(el => {
    const byLabel = [...el.labels].map(l => l.textContent.trim()).join("");
    const byAria = (el.getAttribute("aria-label") || "").trim();
    const byRef = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
      .map(id => (document.getElementById(id) || {textContent: ""}).textContent.trim()).join("");
    return !(byLabel || byAria || byRef);  // a placeholder is not a label
  })
  .map(el => el.outerHTML.slice(0, 120))"""

NAMED_ROLES = {"button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "img"}


def unnamed_in_accessibility_tree(page) -> list[str]:
    """Controls and images the browser's own accessibility tree gives no name."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    return [
        f"{node['role']['value']} {node.get('backendDOMNodeId')}"
        for node in nodes
        if not node.get("ignored")
        and node.get("role", {}).get("value") in NAMED_ROLES
        and not node.get("name", {}).get("value", "").strip()
    ]


def test_every_control_has_a_name_and_the_qr_has_a_text_alternative(open_page, kapso, alice):
    opened = open_page()
    page = opened.page
    page.goto("/accounts/login/")
    found = {"login": page.evaluate(UNLABELLED_FIELDS) + unnamed_in_accessibility_tree(page)}
    log_in(page, "alice", "alice-password-1")
    page.goto("/")
    assert page.get_by_label("Agent").evaluate("el => el.tagName") == "SELECT"
    assert page.get_by_label("Phone number").evaluate("el => el.tagName") == "INPUT"
    page.get_by_role("button", name="Create session").click()
    found["create with errors"] = page.evaluate(UNLABELLED_FIELDS)
    found["create with errors"] += unnamed_in_accessibility_tree(page)
    session = create_session_via_form(page, "+1 415 555 2671")
    found["session"] = page.evaluate(UNLABELLED_FIELDS) + unnamed_in_accessibility_tree(page)
    page.goto("/sessions/")
    found["history"] = page.evaluate(UNLABELLED_FIELDS) + unnamed_in_accessibility_tree(page)
    assert found == {page: [] for page in found}

    page.goto(session.get_absolute_url())
    qr = page.get_by_role("img", name=re.compile(re.escape(session.activation_code)))
    assert qr.count() == 1 and qr.is_visible()
    link_text = page.get_by_text(session.activation_link, exact=True)
    assert link_text.count() == 1 and link_text.is_visible()
    assert link_text.get_attribute("href") == session.activation_link


def test_status_changes_are_announced(logged_in_page, kapso):
    page = logged_in_page
    create_session_via_form(page, "+1 415 555 2671")
    live_status = page.evaluate(
        """() => {
          const live = '[role=status], [role=alert], [aria-live=polite], [aria-live=assertive]';
          const badge = document.getElementById("session-status");
          if (!badge) return null;
          const around = badge.closest(live);
          if (around) return around.textContent.trim();
          const head = badge.closest("header");
          const beside = head && [...head.querySelectorAll(live)]
            .find(el => el.textContent.trim() && el.checkVisibility());
          return beside ? beside.textContent.trim() : null;
        }"""
    )
    assert live_status


# WCAG 2.x contrast of every visible piece of text against what is painted behind it.
CONTRAST_FAILURES = r"""() => {
  const parse = (value) => {
    const m = value.match(/^rgba?\(([^)]+)\)$/);
    if (!m) throw new Error(`colour not understood: ${value}`);
    const [r, g, b, a = 1] = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = (top, under) => {  // alpha compositing onto an opaque colour
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat(1);
  };
  const luminance = ([r, g, b]) => {
    const lin = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") throw new Error(`background image on ${node.tagName}`);
      const colour = parse(style.backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] === 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return el.checkVisibility({opacityProperty: true, visibilityProperty: true})
      && box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0;
  };
  const texts = [...document.querySelectorAll("body *")].filter(el =>
    [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
    || (el.matches("input:not([type=hidden]), select, textarea") && el.value)
  );
  const failures = [];
  const check = (el, fg, label) => {
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const bg = background(el);
    const value = ratio(over(parse(fg), bg), bg);
    if (value < (large ? 3 : 4.5)) {
      const what = `<${el.tagName.toLowerCase()} class="${el.className}">`;
      const text = (el.value || el.textContent).trim().slice(0, 40);
      const colours = `${fg} on rgb(${bg.slice(0, 3)})`;
      failures.push(`${value.toFixed(2)}:1 ${label} ${what} ${text} (${colours})`);
    }
  };
  for (const el of texts.filter(shown)) check(el, getComputedStyle(el).color, "text");
  for (const el of [...document.querySelectorAll("input[placeholder]")].filter(shown)) {
    if (!el.value) check(el, getComputedStyle(el, "::placeholder").color, "placeholder");
  }
  return failures;
}"""


def test_text_contrast_meets_wcag_aa(open_page, kapso, alice, settings):
    settings.KAPSO_DEMO_MODE = True  # the banner is text too
    for i, status in enumerate(("active", "expired", "paused_by_kapso")):
        # Distinct phones: the same phone and agent again would be folded into one session.
        session = make_session(alice, phone=f"+1415555267{i}")
        emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": status})
        SandboxSession.objects.filter(pk=session.pk).update(status=status)
    failures = {}
    for name, viewport in (("laptop", None), ("phone", PHONE)):
        page = open_page(viewport).page
        page.goto("/accounts/login/")
        page.get_by_role("button", name="Log in", exact=True).click()  # empty: both fields say so
        expect(page.locator(".field-error")).to_have_count(2)
        failures[f"{name} login error"] = page.evaluate(CONTRAST_FAILURES)
        log_in(page, "alice", "alice-password-1")
        failures[f"{name} create"] = page.evaluate(CONTRAST_FAILURES)
        page.get_by_role("button", name="Reload agents").click()
        expect(page.locator(".message")).to_have_count(1)  # waits for the reloaded page
        failures[f"{name} create with message"] = page.evaluate(CONTRAST_FAILURES)
        page.get_by_role("button", name="Create session").click()
        expect(page.locator(".field-error")).to_have_count(2)
        failures[f"{name} create with errors"] = page.evaluate(CONTRAST_FAILURES)
        for session in SandboxSession.objects.all():
            page.goto(session.get_absolute_url())
            failures[f"{name} session {session.status}"] = page.evaluate(CONTRAST_FAILURES)
        create_session_via_form(page, "+1 415 555 2671")
        failures[f"{name} session pending"] = page.evaluate(CONTRAST_FAILURES)
        page.goto("/sessions/")
        failures[f"{name} history"] = page.evaluate(CONTRAST_FAILURES)
    assert failures == {page: [] for page in failures}


def _every_page(kapso, root) -> dict[str, str]:
    """Every page of the dashboard, by name: the existing ones and the team's, with data."""
    from django.urls import NoReverseMatch, reverse

    from sandbox import sharing
    from sandbox.team import onboarding, reminders
    from sandbox.team.models import Reminder, Tester

    shared = make_session(root, phone="+14155552690")
    token = sharing.share_link_create(shared)
    gone = make_session(root, phone="+14155552691")
    gone_token = sharing.share_link_create(gone)
    sharing.share_link_revoke(gone)
    testers = [
        Tester.objects.create(name=f"Tester {n}", phone_number=f"+1415555270{n}") for n in range(2)
    ]
    from sandbox.agents import agent_list_refresh

    agents = agent_list_refresh()
    batch = onboarding.batch_start(user=root, testers=testers, agent_ids=[agents[0].kapso_id])
    onboarding.batch_run(batch)
    reminder = Reminder.objects.create(
        session=batch.pairs.first().session, kind="mail", recipient="t@example.com", nonce="n"
    )
    pages = {
        "create": "/",
        "session": shared.get_absolute_url(),
        "history": "/sessions/",
        "budget": "/budget/",
        "shared": f"/share/{token}/",
        "shared gone": f"/share/{gone_token}/",
        "not found": "/no/such/page/",
        "team": "/team/",
        "testers": "/team/testers/",
        "tester": f"/team/testers/{testers[0].pk}/",
        "erase": f"/team/testers/{testers[0].pk}/erase/",
        "onboard": "/onboard/",
        "batch": f"/onboard/{batch.pk}/",
        "sheet": f"/onboard/{batch.pk}/sheet/",
        "jobs": "/team/jobs/",
        "privacy": "/privacy/",
        "personal data": "/team/personal-data/",
        "renew confirm": f"/renew/{reminders.renew_token(reminder)}/",
        "renew gone": "/renew/nonsense/",
        "admin": "/admin/",
        "admin sessions": "/admin/sandbox/sandboxsession/",
        "admin session": f"/admin/sandbox/sandboxsession/{shared.pk}/change/",
        "admin testers": "/admin/team/tester/",
        "admin batch": f"/admin/team/onboardingbatch/{batch.pk}/change/",
        "members": "/team/members/",
        "invitation gone": "/invitations/nonsense/",
        "second factor": "/accounts/2fa/",
        "signed-in sessions": "/accounts/sessions/",
        "change password": "/accounts/password/change/",
        "e-mail addresses": "/accounts/email/",
    }
    with contextlib.suppress(NoReverseMatch):  # the API's token page, where installed
        pages["api tokens"] = reverse("api_tokens")
    return pages


def test_every_page_passes_axe_at_laptop_and_phone_width(open_page, kapso, root, settings):
    """axe-core (WCAG 2.2 A/AA and best practice): no serious or critical violation on any
    page, with the demo banner shown and a message on screen where a page has one."""
    from tests.browser.conftest import axe_violations

    settings.KAPSO_DEMO_MODE = True
    pages = _every_page(kapso, root)
    found = {}
    for size, viewport in (("laptop", None), ("phone", PHONE)):
        page = open_page(viewport).page
        page.goto("/accounts/login/")
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(page.locator(".field-error")).to_have_count(2)
        found[f"{size} login with errors"] = axe_violations(page)
        log_in(page, "root", "pw")
        page.get_by_role("button", name="Reload agents").click()
        expect(page.locator(".message")).to_have_count(1)
        found[f"{size} create with a message"] = axe_violations(page)
        for name, url in pages.items():
            page.goto(url)
            found[f"{size} {name}"] = axe_violations(page)
    assert found == {name: [] for name in found}


def test_the_demo_banner_is_inside_a_landmark(open_page, kapso, alice, settings):
    from tests.browser.conftest import axe_violations

    settings.KAPSO_DEMO_MODE = True
    page = open_page().page
    log_in(page, "alice", "alice-password-1")
    assert page.locator(".demo-banner").is_visible()
    assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
