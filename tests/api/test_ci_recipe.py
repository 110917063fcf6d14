"""scripts/ci_sandbox_session.sh, the README's CI recipe, run as a CI job would run it: bash,
curl and jq against a live dashboard that talks to the Kapso emulator. It ensures a session,
prints the link and a QR code that scans, waits for the phone, and fails after a timeout.
The README shows the script itself (checked here), so the two cannot drift apart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import zxingcpp

from sandbox.api.tokens import token_create
from sandbox.models import SandboxSession
from tests.api.views.test_qr import text_to_image
from tests.conftest import emulator_control

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ci_sandbox_session.sh"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("bash", "curl", "jq", "sha256sum")),
        reason="the recipe needs bash, curl, jq and sha256sum",
    ),
]


def run_recipe(live_server, secret: str, *, timeout: int) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "KAPSO_SANDBOX_URL": live_server.url,
        "KAPSO_SANDBOX_TOKEN": secret,
        "TEST_PHONE": "+1 415 555 2671",
        "AGENT_ID": "agent-support-01",
        "ACTIVATION_TIMEOUT": str(timeout),
        "GITHUB_RUN_ID": "4242",
    }
    return subprocess.run(  # noqa: S603 - our own script, by the bash found on PATH
        [shutil.which("bash"), str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + 60,
    )


@pytest.fixture
def secret(live_server, kapso, settings, alice):
    settings.KAPSO_REFRESH_SECONDS = 1
    return token_create(user=alice, name="GitHub Actions", expires_in=None).secret


@pytest.mark.timeout(120)
def test_the_recipe_prints_a_code_to_scan_and_waits_for_the_phone(live_server, kapso, secret):
    def phone_sends_the_code():
        # The person scans the code from the log: the session turns active at Kapso.
        for _ in range(100):
            session = SandboxSession.objects.first()
            if session is not None:
                emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
                return
            threading.Event().wait(0.1)

    phone = threading.Timer(2, phone_sends_the_code)
    phone.start()
    done = run_recipe(live_server, secret, timeout=60)
    phone.join()
    assert done.returncode == 0, done.stderr
    session = SandboxSession.objects.get()
    printed = json.loads(done.stdout)
    assert (printed["id"], printed["status"]) == (session.pk, "active")
    assert session.activation_link in done.stderr
    qr = "\n".join(line for line in done.stderr.splitlines() if set(line) <= set(" ▀▄█") and line)
    decoded = zxingcpp.read_barcodes(text_to_image(qr + "\n", background="dark"))
    assert [result.text for result in decoded] == [session.activation_link]
    assert "Activated." in done.stderr


@pytest.mark.timeout(120)
def test_the_recipe_fails_the_job_when_nobody_scans_in_time(live_server, kapso, secret):
    done = run_recipe(live_server, secret, timeout=3)
    assert done.returncode == 1
    assert "The phone did not send the code within 3 s." in done.stderr


def test_a_second_run_reuses_the_live_session(live_server, kapso, secret):
    run_recipe(live_server, secret, timeout=2)
    run_recipe(live_server, secret, timeout=2)
    assert SandboxSession.objects.count() == 1


def test_the_readme_shows_the_script_itself():
    readme = (ROOT / "README.md").read_text()
    body = SCRIPT.read_text().split("set -euo pipefail\n", 1)[1]
    assert body in readme
