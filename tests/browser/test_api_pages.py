"""The API's two pages (/settings/tokens/ and /api/v1/docs) in Debian's Chromium, at laptop
and phone width: no script or style blocked by the CSP, nothing failing to load, nothing
wider than the screen, and no serious accessibility problem (axe-core), as tests/browser
checks the other pages. The token is made and shown through the page, as a person would.
It uses tests/browser/conftest.py's one Chromium for the package."""

from __future__ import annotations

import pytest

from sandbox.api.models import ApiToken
from tests.browser.chromium import LAPTOP, PHONE
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, PageProblems, axe_violations, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
]
WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_tokens_and_docs_pages_work_in_a_browser(browser, live_server, kapso, alice, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    try:
        log_in(page, "alice", "alice-password-1")
        page.get_by_role("link", name="API tokens").click()
        page.get_by_label("Name").fill("GitHub Actions")
        page.get_by_label("Read only").check()
        page.get_by_role("button", name="Make token").click()
        secret = page.get_by_label("New API token").input_value()
        token = ApiToken.objects.get()
        assert secret.startswith(token.hint) and token.access == ApiToken.READ
        seen = {"tokens": page.evaluate(WIDER_THAN_THE_SCREEN)}
        findings = {"tokens": axe_violations(page)}
        page.get_by_role("link", name="JSON API").click()
        page.wait_for_url("**/api/v1/docs")
        seen["docs"] = page.evaluate(WIDER_THAN_THE_SCREEN)
        findings["docs"] = axe_violations(page)
        assert seen == {"tokens": 0, "docs": 0}
        assert findings == {"tokens": [], "docs": []}
        assert problems.of(page) == []
    finally:
        context.close()
