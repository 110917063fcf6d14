"""Single sign-on through a real OpenID Connect provider (Node's certified `oidc-provider`,
started on a free port), in Chromium: the authorization-code flow with PKCE, one client, two
users. First sign-in creates or links the account as the rules say (sandbox/accounts/
adapter.py); a domain not on the list is refused with a clear page; a tampered state too."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from tests.browser.conftest import BROWSER_TEST_TIMEOUT, PageProblems
from tests.oidc.provider import running_provider

pytestmark = [pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]

USERS = {
    "ann": {"email": "ann@corp.example", "email_verified": True, "name": "Ann Corp"},
    "zed": {"email": "zed@elsewhere.example", "email_verified": True, "name": "Zed Else"},
}
CALLBACK = "/accounts/oidc/corp/login/callback/"


@pytest.fixture
def idp(live_server, settings):
    with running_provider(live_server.url + CALLBACK, USERS) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "corp",
                        "name": "Corp SSO",
                        "client_id": provider.client_id,
                        "secret": provider.client_secret,
                        "settings": {"server_url": provider.issuer},
                    }
                ],
            }
        }
        settings.SSO_ALLOWED_DOMAINS = ["corp.example"]
        yield provider


def sign_in_at_provider(page, login: str) -> None:
    """The provider's own login and consent pages, as a person fills them."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any-password")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]", has_text="Continue").click()  # consent


def start_sign_on(page, issuer: str, requests: list[str]) -> None:
    page.on("request", lambda r: requests.append(r.url) if r.url.startswith(issuer) else None)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Corp SSO").click()
    page.get_by_role("button", name="Continue").click()  # allauth: a POST starts the flow
    page.wait_for_url(issuer + "/**")


def test_a_person_from_the_allowed_domain_joins_with_pkce(open_page, idp, live_server):
    opened, requests = open_page(), []
    page = opened.page
    start_sign_on(page, idp.issuer, requests)
    authorize = parse_qs(urlsplit(next(u for u in requests if "/auth?" in u)).query)
    assert authorize["code_challenge_method"] == ["S256"] and authorize["code_challenge"]
    sign_in_at_provider(page, "ann")
    page.wait_for_url(live_server.url + "/")
    assert "Log out" in page.content()
    user = get_user_model().objects.get(email="ann@corp.example")
    assert not user.is_staff and not user.has_perm("team.manage_team")  # default role
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).uid == "ann"
    # Our pages are clean (the provider's own pages ask the internet for fonts: not ours).
    opened.problems = PageProblems()
    opened.problems.watch(page)
    page.goto("/accounts/login/?next=/")
    assert opened.problems.of(page) == []


def test_a_domain_not_on_the_list_is_refused_with_a_clear_page(open_page, idp):
    page = open_page().page
    start_sign_on(page, idp.issuer, [])
    sign_in_at_provider(page, "zed")
    page.wait_for_url("**" + CALLBACK + "**")
    assert page.get_by_role("heading", name="Sign-in refused").is_visible()
    assert "e-mail domain is not allowed" in page.content()
    assert not get_user_model().objects.filter(email="zed@elsewhere.example").exists()


def test_an_invitation_lets_an_outside_domain_join_with_its_role(open_page, idp, smtp):
    from sandbox.accounts import invitations
    from tests.accounts.conftest import invitation_token

    invitations.invitation_create("zed@elsewhere.example", "manager", None)
    token = invitation_token(smtp.bodies()[-1])
    page = open_page().page
    page.goto(f"/invitations/{token}/")
    page.get_by_role("link", name="Sign in with Corp SSO").click()
    page.get_by_role("button", name="Continue").click()
    sign_in_at_provider(page, "zed")
    page.wait_for_url("**/")
    user = get_user_model().objects.get(email="zed@elsewhere.example")
    assert user.has_perm("team.manage_team")
    assert invitations.Invitation.objects.get().accepted_by == user


def test_an_account_with_that_verified_address_is_linked(open_page, idp, live_server):
    users = get_user_model().objects
    ann = users.create_user("ann-local", "ann@corp.example", "ann-local-password-1")
    EmailAddress.objects.create(user=ann, email="ann@corp.example", verified=True, primary=True)
    page = open_page().page
    start_sign_on(page, idp.issuer, [])
    sign_in_at_provider(page, "ann")
    page.wait_for_url(live_server.url + "/")
    assert "Log out ann-local" in page.content()
    assert users.filter(email="ann@corp.example").count() == 1
    assert SocialAccount.objects.get().user == ann


def test_an_unverified_address_is_never_linked(open_page, idp):
    users = get_user_model().objects
    users.create_user("ann-local", "ann@corp.example", "ann-local-password-1")  # no check
    page = open_page().page
    start_sign_on(page, idp.issuer, [])
    sign_in_at_provider(page, "ann")
    page.wait_for_url("**" + CALLBACK + "**")
    assert "already exists" in page.content()
    assert SocialAccount.objects.count() == 0 and users.count() == 1


def test_a_tampered_state_is_refused(open_page, idp):
    page = open_page().page

    def forge_state(url: str) -> str:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        query["state"] = ["forged-" + query["state"][0]]
        return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))

    def tamper(route):
        # Playwright routes only the first request of a redirect chain: the form posted to
        # the provider. Follow its redirects here; the one back to us gets a forged state.
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        while location.startswith(idp.issuer):
            response = page.context.request.get(location, max_redirects=0)
            location = response.headers.get("location", "")
        if CALLBACK in location:
            location = forge_state(location)
        route.fulfill(status=302, headers={"Location": location})

    page.route(idp.issuer + "/interaction/**", tamper)
    start_sign_on(page, idp.issuer, [])
    sign_in_at_provider(page, "ann")
    page.wait_for_url("**" + CALLBACK + "**")
    assert "forged-" in page.url
    assert "Third-Party Login Failure" in page.content()
    assert not get_user_model().objects.filter(email="ann@corp.example").exists()
    page.goto("/")
    assert "/accounts/login/" in page.url  # not signed in
