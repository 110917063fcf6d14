"""``manage.py kapso_emulator`` (sandbox/management/commands/kapso_emulator.py): the same
emulator with its defaults taken from Django settings, started on a port the OS picks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import requests

from tests.emulator.helpers import AGENT, REPO_ROOT, first_line, listening_port


def test_management_command_serves_with_settings_defaults(tmp_path):
    state_file = tmp_path / "var" / "emulator.json"
    script = textwrap.dedent(
        """
        import sys
        import django
        from django.conf import settings
        settings.configure(
            KAPSO_EMULATOR_STATE_FILE=sys.argv[1], KAPSO_EMULATOR_SANDBOX_NUMBER="15550009999"
        )
        django.setup()
        from django.core.management import call_command
        from sandbox.management.commands.kapso_emulator import Command
        call_command(Command(), "--port", sys.argv[2])
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", script, str(state_file), "0"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = first_line(proc)
        port = listening_port(line, str(state_file))
        srv_url = f"http://127.0.0.1:{port}"
        health = requests.get(srv_url + "/_emulator/health", timeout=5)
        created = requests.post(
            srv_url + "/api/v1/sandbox_sessions",
            json={"whatsapp_sandbox_session": {"phone_number": "+12345678901", "agent_id": AGENT}},
            headers={"X-API-Key": "any"},
            timeout=5,
        )
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)

    assert health.status_code == 200
    assert line == f"Kapso emulator listening on {srv_url}/api/v1 (state: {state_file})"
    assert created.status_code == 201
    assert created.json()["data"]["activation_link"].startswith("https://wa.me/15550009999?")
    assert json.loads(state_file.read_text())["sessions"][0]["id"] == created.json()["data"]["id"]
    assert proc.returncode == 0
    assert "Traceback" not in stderr
