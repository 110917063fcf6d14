"""Twenty teammates create sessions at the same moment, over HTTP against a live server."""

from __future__ import annotations

import re
import threading

import pytest
import requests
from django.db import connection

from sandbox.models import FailedSessionAttempt, SandboxSession

pytestmark = pytest.mark.django_db(transaction=True)
USERS = 20


def logged_in(base: str, username: str) -> requests.Session:
    http = requests.Session()
    page = http.get(base + "/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    http.post(
        base + "/accounts/login/",
        data={"login": username, "password": "pw-" + username, "csrfmiddlewaretoken": token},
        timeout=10,
    )
    return http


def test_twenty_simultaneous_creates_make_twenty_sessions(live_server, kapso, django_user_model):
    base = live_server.url
    for i in range(USERS):
        django_user_model.objects.create_user(f"user{i}", password=f"pw-user{i}")
    sessions = [logged_in(base, f"user{i}") for i in range(USERS)]
    forms = []
    for http in sessions:
        page = http.get(base + "/", timeout=10).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        forms.append(token)
    barrier = threading.Barrier(USERS)
    outcomes: dict[int, object] = {}

    def create(i: int) -> None:
        barrier.wait()
        try:
            response = sessions[i].post(
                base + "/",
                data={
                    "phone_number": f"+1415555{2600 + i}",
                    "agent_id": "agent-support-01",
                    "csrfmiddlewaretoken": forms[i],
                },
                allow_redirects=False,
                timeout=30,
            )
            errors = re.findall(
                r'class="(?:form-error|field-error)[^>]*>(.*?)</', response.text, re.S
            )
            outcomes[i] = (response.status_code, response.headers.get("Location", ""), errors)
        except requests.RequestException as exc:
            outcomes[i] = repr(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    bad = {
        i: o
        for i, o in outcomes.items()
        if not (isinstance(o, tuple) and o[0] == 302 and o[1].startswith("/sessions/"))
    }
    assert not bad, bad
    assert len({o[1] for o in outcomes.values()}) == USERS  # no duplicates
    assert SandboxSession.objects.count() == USERS
    assert SandboxSession.objects.values("created_by").distinct().count() == USERS
    assert not FailedSessionAttempt.objects.exists()
    calls = requests.get(f"{kapso.url}/_emulator/calls", timeout=5).json()["calls"]
    assert calls["POST /api/v1/sandbox_sessions"] == USERS
    print(f"20 concurrent creates OK on {connection.vendor}")
