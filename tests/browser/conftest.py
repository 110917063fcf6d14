"""Browser tests: Debian's Chromium driven by Playwright against the live dashboard.

One browser for the whole package (a fresh context per test), the dashboard under
pytest-django's ``live_server`` and the Kapso emulator from ``tests/conftest.py`` over real
HTTP. Without a Chromium the tests skip and say why; ``make test`` installs Debian's package
where it can (``scripts/ensure_debian_package.sh``).

Playwright's sync API keeps an asyncio loop marked as running in this thread, which makes
Django refuse ORM calls (SynchronousOnlyOperation). Tests here are plain sync code, so the
check is switched off while they run, and the browser is package-scoped so the loop is gone
again before the rest of the suite runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sandbox.models import SandboxSession
from tests.browser.chromium import CHROMIUM_ARGS, LAPTOP, PHONE, chromium_executable

__all__ = ["LAPTOP", "PHONE"]  # re-exported for the test modules


# Runs before any page script: records CSP violations where the test can read them.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
}, true);
"""


# Waits a loaded machine keeps: Playwright's own default (30 s) for actions and page loads,
# and the same for `expect(...)` assertions (5 s by default). A healthy run takes far less.
ACTION_TIMEOUT_MS = 30_000
# Per test, for pytest-timeout: a browser test may take longer than the suite's 120 s.
BROWSER_TEST_TIMEOUT = pytest.mark.timeout(300)


@pytest.fixture(scope="package")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)"
    )
    executable = chromium_executable()
    if executable is None:
        pytest.skip(
            "no Chromium: install Debian's chromium (make test tries, through "
            "scripts/ensure_debian_package.sh) or set CHROMIUM_PATH"
        )
    sync_api.expect.set_options(timeout=ACTION_TIMEOUT_MS)
    playwright = sync_api.sync_playwright().start()
    # Only while Playwright's loop runs (see the module docstring).
    allow_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if allow_before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allow_before


@dataclass
class PageProblems:
    """Everything a page reported going wrong: JS errors, console errors, failed loads."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_loads: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        def on_console(message) -> None:
            if message.type == "error" or "Content Security Policy" in message.text:
                self.console_errors.append(f"{page.url}: console {message.type}: {message.text}")

        def on_response(response) -> None:
            if response.status >= 400:
                self.failed_loads.append(f"{response.status} {response.url}")

        def on_request_failed(request) -> None:
            # Aborted: the page navigated on (or the answer was a download) before it loaded.
            if request.failure != "net::ERR_ABORTED":
                self.failed_loads.append(f"{request.failure} {request.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("response", on_response)
        page.on("requestfailed", on_request_failed)

    def of(self, page) -> list[str]:
        """All problems so far, plus the CSP violations recorded in the current document."""
        violations = page.evaluate("window.__cspViolations || []")
        return [
            *self.console_errors,
            *self.page_errors,
            *self.failed_loads,
            *(f"CSP: {v}" for v in violations),
        ]


@dataclass
class BrowserPage:
    page: object
    problems: PageProblems


@pytest.fixture
def dashboard(live_server, kapso):
    """The live dashboard's base URL, talking to a freshly reset emulator."""
    return live_server.url


@pytest.fixture
def open_page(browser, dashboard) -> Iterator[Callable[..., BrowserPage]]:
    """Factory: a page in a new context at the given viewport, watched for problems."""
    contexts = []

    def _open(viewport: dict | None = None) -> BrowserPage:
        context = browser.new_context(
            base_url=dashboard, viewport=viewport or LAPTOP, locale="en-US"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        return BrowserPage(page, problems)

    yield _open
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str) -> None:
    """Through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def logged_in_page(open_page, alice):
    """A laptop-sized page logged in as alice (tests/conftest.py) through the login form."""
    opened = open_page()
    log_in(opened.page, "alice", "alice-password-1")
    return opened.page


SESSION_URL = re.compile(r".*/sessions/(\d+)/$")


def create_session_via_form(page, phone: str, agent: str | None = None) -> SandboxSession:
    """Fill and submit the create form; returns the stored session the page now shows.

    ``agent`` is the agent's name as listed; by default the first agent offered.
    """
    page.goto("/")
    select = page.get_by_label("Agent")
    if agent is None:
        select.select_option(index=1)  # index 0 is "Choose an agent…"
    else:
        select.select_option(label=agent)
    page.get_by_label("Phone number").fill(phone)
    page.get_by_role("button", name="Create session").click()
    page.wait_for_url(SESSION_URL)
    return SandboxSession.objects.get(pk=int(SESSION_URL.match(page.url).group(1)))


# --- Accessibility: axe-core, the standard engine, injected into each page ----------------
# Installed by the project (`make test` runs `npm ci` from package-lock.json); never fetched.
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
AXE_FAILS_ON = ("serious", "critical")
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def axe_source() -> str:
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing: run `make test` (it runs `npm ci`) or `npm ci`"
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(message + " (CI=true: a test that cannot run fails)")
        pytest.skip(message)
    return AXE_JS.read_text()


def axe_violations(page, impacts: tuple[str, ...] = AXE_FAILS_ON) -> list[str]:
    """axe-core's violations of the current page at `impacts`, one line each.

    Injected through the DevTools protocol (page.evaluate), which the page's strict CSP does
    not govern, so nothing about the page is loosened for the check.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(RUN_AXE, AXE_TAGS)
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}"
        for v in found
        if v["impact"] in impacts
    ]


from tests.team.conftest import smtp  # noqa: E402, F401  (a real SMTP server for invitations)
