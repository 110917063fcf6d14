"""/metrics across processes: gunicorn with two workers and the job worker, each making
Kapso calls against the emulator, counted in one PROMETHEUS_MULTIPROC_DIR; one scrape adds
them up, read back with prometheus_client's own parser. Without the token: refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from support.servers import GUNICORN, start_process
from tests.conftest import TEST_API_KEY, emulator_control

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-token-for-the-test"
CREATES = 6
# What a create that worked answers: a redirect to the new session's page.
ON_A_SESSION_PAGE = re.compile(r"302 /sessions/\d+/")


def _env(tmp_path: Path, kapso) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TEAM_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        CACHE_URL="locmemcache://",
        SECRET_KEY="test-secret-key-for-the-metrics-processes",
        KAPSO_API_KEY=TEST_API_KEY,
        KAPSO_API_BASE_URL=kapso.api_base_url,
        KAPSO_TIMEOUT="10",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        METRICS_BEARER_TOKEN=TOKEN,
        # Production's settings over plain HTTP (settings_test would give each process its
        # own queue file; these processes must share one).
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
    )
    return env


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return done.stdout


def _login(url: str) -> requests.Session:
    """Through allauth's sign-in form (its field is `login`, not `username`): a refused
    login stops here instead of bouncing the creates to the login page."""
    http = requests.Session()
    http.trust_env = False
    http.get(url + "/accounts/login/", timeout=30)
    reply = http.post(
        url + "/accounts/login/",
        data={
            "login": "ops",
            "password": "ops-password-1",
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
        },
        headers={"Referer": url + "/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 302, reply.status_code
    assert "/accounts/login/" not in reply.headers["Location"]
    return http


def _create(url: str, n: int) -> str:
    """Where the create form sends the browser ("302 /sessions/7/" when it worked)."""
    http = _login(url)
    reply = http.post(
        url + "/",
        data={
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
            "phone_number": f"+141555530{n:02d}",
            "agent_id": "agent-support-01",
        },
        headers={"Referer": url + "/"},
        allow_redirects=False,
        timeout=30,
    )
    # Returned, not asserted: raised in a thread, an assertion would only be a warning.
    return f"{reply.status_code} {reply.headers.get('Location', '')}"


def _pids_with_kapso_calls(directory: Path) -> set[int]:
    pids = set()
    for path in directory.glob("counter_*.db"):
        for key, value, *_ in MmapedDict.read_all_values_from_file(str(path)):
            if '"kapso_calls_total"' in key and value > 0:
                pids.add(int(path.stem.split("_")[1]))
    return pids


def _calls(text: str) -> dict[tuple[str, str], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        if family.name == "kapso_calls":
            for sample in family.samples:
                if sample.name == "kapso_calls_total":
                    key = (sample.labels["operation"], sample.labels["outcome"])
                    found[key] = sample.value
    return found


@pytest.mark.timeout(300)
def test_two_web_workers_and_the_job_worker_add_up(tmp_path, kapso):
    env = _env(tmp_path, kapso)
    (tmp_path / "prometheus").mkdir()
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('ops', password='ops-password-1')",
    )
    # Each create takes a second at Kapso, so two at once must be on two sync workers.
    emulator_control(
        kapso,
        "faults",
        {
            "kind": "delay",
            "path": "/sandbox_sessions",
            "method": "POST",
            "delay": 1,
            "times": CREATES,
        },
    )
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "1"]
    command += ["--bind", "127.0.0.1:0", "kapso_dashboard.wsgi"]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "team_worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with start_process(
            command, announce=GUNICORN, ready_path="/healthz", env=env, cwd=ROOT
        ) as web:
            landed: list[str] = []
            threads = [
                threading.Thread(target=lambda n=n: landed.append(_create(web.url, n)))
                for n in range(CREATES)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            # Every create landed on its session's page (a failed login lands on the login page,
            # and a failed _login in a thread appends nothing).
            assert len(landed) == CREATES, landed
            assert [place for place in landed if not ON_A_SESSION_PAGE.fullmatch(place)] == []
            # The job worker syncs from Kapso: list_agents and list_sessions calls.
            _manage(env, "shell", "-c", "from sandbox.team import jobs; jobs.sync_kapso()")
            deadline = time.monotonic() + 90
            calls: dict = {}
            while time.monotonic() < deadline:
                scrape = requests.get(
                    web.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
                )
                assert scrape.status_code == 200
                calls = _calls(scrape.text)
                if calls.get(("list_sessions", "ok")):
                    break
                time.sleep(1)
            assert calls.get(("create_session", "ok")) == CREATES
            assert calls.get(("list_sessions", "ok"), 0) >= 1
            families = {f.name for f in text_string_to_metric_families(scrape.text)}
            assert {"sandbox_sessions", "team_queue_pending", "django_http_requests"} <= families
            pids = _pids_with_kapso_calls(tmp_path / "prometheus")
            assert worker.pid in pids  # the job worker's calls
            assert len(pids - {worker.pid}) == 2  # and both gunicorn workers'
            refused = requests.get(web.url + "/metrics", timeout=30)
            assert refused.status_code == 401
            wrong = requests.get(
                web.url + "/metrics", headers={"Authorization": "Bearer nope"}, timeout=30
            )
            assert wrong.status_code == 401
            assert "kapso_calls" not in refused.text + wrong.text
    finally:
        worker.terminate()
        worker.wait(timeout=30)
