"""A teammate's whole flow over real HTTP: browser-like client → dashboard → emulator."""

from __future__ import annotations

import logging
import re
from html import unescape

import pytest
import requests

from tests.conftest import TEST_API_KEY
from tests.qr_decode import decode_png, decode_svg

pytestmark = pytest.mark.django_db(transaction=True)


def csrf_post(http: requests.Session, url: str, data: dict) -> requests.Response:
    page = http.get(url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return http.post(url, data={**data, "csrfmiddlewaretoken": token}, timeout=10)


def test_login_create_scan_and_see_it_in_history(live_server, kapso, alice, caplog):
    caplog.set_level(logging.DEBUG)
    http = requests.Session()
    base = live_server.url

    home = http.get(base + "/", timeout=10)
    assert home.url.startswith(base + "/accounts/login/")
    logged_in = csrf_post(
        http, base + "/accounts/login/", {"login": "alice", "password": "alice-password-1"}
    )
    assert logged_in.url == base + "/"

    agent_id = re.findall(r'<option value="([^"]+)"', logged_in.text)[0]
    created = csrf_post(http, base + "/", {"phone_number": "+1 415 555 2671", "agent_id": agent_id})
    assert re.fullmatch(re.escape(base) + r"/sessions/\d+/", created.url)
    page = created.text
    link = unescape(re.search(r'class="button primary whatsapp" href="([^"]+)"', page).group(1))
    assert link.startswith("https://wa.me/15550001111?text=")
    assert decode_svg(re.search(r'<svg[^>]*role="img".*?</svg>', page, re.S).group(0)) == [link]
    assert decode_png(http.get(created.url + "qr.png", timeout=10).content) == [link]

    code = link.rsplit("=", 1)[1]
    (newest,), _ = kapso.store.list_sessions(page=1, per_page=1)
    assert newest["activation_code"] == code  # the code Kapso issued is the one shown

    history = http.get(base + "/sessions/", timeout=10).text
    # Phones are shown in the one international format (issue 18).
    assert "+1 415-555-2671" in history and code in history and "Pending activation" in history

    for url in (base + "/", created.url, base + "/sessions/", created.url + "qr.svg"):
        assert TEST_API_KEY not in http.get(url, timeout=10).text
    assert TEST_API_KEY not in caplog.text
