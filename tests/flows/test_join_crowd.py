"""Fifty people press Join at the same moment on a group link capped at 20, over HTTP against
a live server and the emulator: exactly 20 testers and 20 Kapso sessions, the other 30 told
the group is full, no 5xx. The per-address limit and the joins' budget share are set high,
so the cap is what is tested."""

from __future__ import annotations

import re
import threading
import time

import pytest
import requests
from django.db import connection

from sandbox.agents import agent_list_refresh
from sandbox.models import Origin, SandboxSession
from sandbox.team.models import GroupMember, Tester, TesterGroup
from tests.conftest import emulator_calls

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]
PEOPLE = 50
CAP = 20


def loaded_page(url: str) -> tuple[requests.Session, dict]:
    """A person's phone: the join page loaded (its cookie, CSRF token and page token)."""
    http = requests.Session()
    html = http.get(url, timeout=30).text
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|page)" value="([^"]+)"', html))
    assert set(fields) == {"csrfmiddlewaretoken", "page"}, html[:500]
    return http, fields


def test_fifty_joins_at_once_against_a_cap_of_twenty(live_server, kapso, charlie, settings):
    settings.TEAM_JOIN_MIN_FILL_SECONDS = 1
    settings.TEAM_JOINS_PER_ADDRESS = 1000
    settings.KAPSO_JOINS_PER_MINUTE = 1000
    agent = agent_list_refresh()[0]
    group = TesterGroup.objects.create(
        name="Sales fair", agent_ids=[agent.kapso_id], created_by=charlie,
        join_enabled=True, join_cap=CAP,
    )  # fmt: skip
    url = f"{live_server.url}/join/{group.join_secret}/"
    phones = [f"+1415555{3000 + i:04d}" for i in range(PEOPLE)]
    pages = [loaded_page(url) for _ in range(PEOPLE)]
    time.sleep(settings.TEAM_JOIN_MIN_FILL_SECONDS)  # people take a moment to type
    barrier = threading.Barrier(PEOPLE)
    outcomes: dict[int, object] = {}

    def press_join(i: int) -> None:
        http, fields = pages[i]
        data = {**fields, "name": f"Visitor {i}", "phone": phones[i], "consent": "on"}
        barrier.wait()
        try:
            response = http.post(url, data=data, headers={"Referer": url}, timeout=60)
            outcomes[i] = (response.status_code, response.text)
        except requests.RequestException as exc:
            outcomes[i] = (0, repr(exc))

    threads = [threading.Thread(target=press_join, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in outcomes.values())
    errors = {
        re.sub(r"\s+", " ", e)
        for _, html in outcomes.values()
        for e in re.findall(r"(?:form-error|field-error)[^>]*>(.*?)</", html, re.S)
    }
    assert all(status == 200 for status in statuses), (statuses, errors)
    joined = [i for i, (_, html) in outcomes.items() if "Open in WhatsApp" in html]
    full = [i for i, (_, html) in outcomes.items() if "This group is full" in html]
    assert (len(joined), len(full)) == (CAP, PEOPLE - CAP)
    assert Tester.objects.count() == CAP
    assert GroupMember.objects.filter(group=group, joined=True).count() == CAP
    assert set(Tester.objects.values_list("phone_number", flat=True)) == {phones[i] for i in joined}
    assert SandboxSession.objects.filter(origin=Origin.JOIN).count() == CAP
    assert emulator_calls(kapso)["POST /api/v1/sandbox_sessions"] == CAP
    group.refresh_from_db()
    assert group.joined_count == CAP
    print(f"{PEOPLE} joins at once, cap {CAP}: OK on {connection.vendor}")
