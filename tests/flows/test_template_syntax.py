"""No rendered page shows template syntax: a comment or tag the template engine did not
understand (a `{# ... #}` across two lines, a `{% ... %}` with a typo) is printed as text.

Every page is rendered as its users see it (a teammate, staff, a visitor with a share link)
and its HTML is searched for the six delimiters.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from sandbox import sharing
from tests.factories import make_session

pytestmark = pytest.mark.django_db
DELIMITERS = ("{#", "#}", "{%", "%}", "{{", "}}")
RAW_PAYLOAD = re.compile(
    r'(<div class="form-row field-raw_payload">.*?<div class="readonly">)(.*?)(</div>)', re.S
)


def leftovers(html: str) -> list[str]:
    """Each delimiter found, with the text around it, to show where it is."""
    found = []
    for delimiter in DELIMITERS:
        for match in re.finditer(re.escape(delimiter), html):
            found.append(html[max(0, match.start() - 60) : match.end() + 60])
    return found


def without_raw_payload(html: str, session) -> str:
    """The admin's change page shows Kapso's JSON as text, and JSON may end in `}}`: that
    is data, not template. Cut exactly that JSON (nothing else) before searching."""
    shown = RAW_PAYLOAD.search(html)
    assert shown is not None, "the change page shows the raw payload"
    assert shown.group(2) == escape(json.dumps(session.raw_payload))
    return html[: shown.start(2)] + html[shown.end(2) :]


@pytest.fixture
def pages(kapso, alice, root) -> dict[str, tuple[Client, str, dict | None, int]]:
    """Every page, as (client, url, form data to POST or None, the status it answers)."""
    teammate, staff, visitor = Client(), Client(), Client()
    teammate.force_login(alice)
    staff.force_login(root)
    session = make_session(alice)
    shared = make_session(alice, "+14155552672")
    sharing.share_link_create(shared)
    teammate.post(reverse("sandbox:share", args=[session.pk]), {"action": "create"})
    return {
        "login": (visitor, reverse("account_login"), None, 200),
        "login with errors": (
            visitor,
            reverse("account_login"),
            {"login": "", "password": ""},
            200,
        ),
        "create": (teammate, reverse("sandbox:create"), None, 200),
        "create with errors": (teammate, reverse("sandbox:create"), {"phone_number": "x"}, 200),
        "session page": (teammate, session.get_absolute_url(), None, 200),
        "session page, staff": (staff, session.get_absolute_url(), None, 200),
        "history": (teammate, reverse("sandbox:list"), None, 200),
        "history, staff, filtered": (staff, reverse("sandbox:list") + "?status=active", None, 200),
        "shared page": (
            visitor,
            reverse("sandbox:shared", args=[sharing.share_token(shared)]),
            None,
            200,
        ),
        "shared-gone page": (visitor, reverse("sandbox:shared", args=["no-such-link"]), None, 404),
        "not found": (teammate, "/sessions/999999/", None, 404),
        "password change": (teammate, reverse("account_change_password"), None, 200),
        "password reset": (visitor, reverse("account_reset_password"), None, 200),
        "second factor": (teammate, reverse("mfa_index"), None, 200),
        "signed-in sessions": (teammate, reverse("usersessions_list"), None, 200),
        "members": (staff, reverse("accounts:members"), None, 200),
        "budget": (staff, reverse("sandbox:budget"), None, 200),
        "admin index": (staff, reverse("admin:index"), None, 200),
        "admin login (the accounts login)": (
            visitor,
            reverse("account_login") + "?next=/admin/",
            None,
            200,
        ),
        "admin changelist": (staff, reverse("admin:sandbox_sandboxsession_changelist"), None, 200),
        "admin change page": (
            staff,
            reverse("admin:sandbox_sandboxsession_change", args=[session.pk]),
            None,
            200,
        ),
        "admin failed attempts": (
            staff,
            reverse("admin:sandbox_failedsessionattempt_changelist"),
            None,
            200,
        ),
        "admin agents": (staff, reverse("admin:sandbox_agent_changelist"), None, 200),
    }


def test_no_rendered_page_contains_template_syntax(pages, alice):
    from sandbox.models import SandboxSession

    found = {}
    for name, (client, url, data, status) in pages.items():
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == status, (name, response.status_code)
        assert response["Content-Type"].startswith("text/html"), name
        html = response.content.decode()
        assert "</html>" in html, name  # a whole page was rendered
        if name == "admin change page":
            html = without_raw_payload(html, SandboxSession.objects.get(pk=int(url.split("/")[-3])))
        if leftovers(html):
            found[name] = leftovers(html)
    assert found == {}


def test_the_search_would_see_a_comment_printed_as_text():
    """The check itself works: Django's single-line `{# #}` across two lines is text."""
    from django.template import engines

    template = engines["django"].from_string("<p>{# one line\n two lines #}</p>{# fine #}")
    html = template.render({})
    assert leftovers(html) and "{# one line" in html and "fine" not in html
