"""Refresh the README's pictures of the activity page: docs/screenshots/activity-*.png.

    .venv/bin/python scripts/activity_screenshots.py

Self-contained: a throwaway SQLite database with 30 days of made-up history (sessions with
every outcome, failed creates, quota use), the dashboard on runserver, Debian's Chromium.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from playwright.sync_api import sync_playwright  # noqa: E402
from screenshots import report, save_small_png  # noqa: E402

from support.servers import RUNSERVER, start_process  # noqa: E402
from tests.browser.chromium import CHROMIUM_ARGS, LAPTOP, PHONE, chromium_executable  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
USERNAME, PASSWORD = "lead", secrets.token_urlsafe(12)
PEOPLE = ["ana", "ben", "chloe", "daniel"]
AGENTS = ["Support bot", "Sales assistant", "Booking helper"]


def seed() -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from sandbox.models import Agent, FailedSessionAttempt, KapsoUsageHour, SandboxSession

    call_command("migrate", verbosity=0)
    User.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    people = [User.objects.create_user(name) for name in PEOPLE]
    agents = [Agent.objects.create(kapso_id=f"agent-{i}", name=n) for i, n in enumerate(AGENTS)]
    rng, now, n = random.Random(22), datetime.now(UTC), 0  # noqa: S311 - made-up figures
    for day in range(30):
        for _ in range(rng.randint(4, 14)):
            n += 1
            created = now - timedelta(days=day, hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
            roll = rng.random()
            activated = created + timedelta(seconds=rng.randint(15, 400)) if roll < 0.72 else None
            SandboxSession.objects.create(
                kapso_id=f"demo-{n}",
                agent=rng.choice(agents),
                phone_number=f"+1415555{n:04d}",
                status="active" if activated else "expired" if day else "pending_activation",
                activation_code=f"D{n}",
                activation_message="m",
                activation_link="https://wa.me/1",
                activated_at=activated,
                expires_at=created + timedelta(hours=24),
                raw_payload={},
                created_by=rng.choice(people),
                created_at=created,
            )
        if rng.random() < 0.4:
            FailedSessionAttempt.objects.create(
                created_by=rng.choice(people),
                phone_number="+14155550000",
                agent_id="agent-0",
                error_kind="server",
                error_message="Kapso failed",
                created_at=now - timedelta(days=day),
            )
        for hour in range(9, 18):
            KapsoUsageHour.objects.create(
                hour=(now - timedelta(days=day)).replace(
                    hour=hour, minute=0, second=0, microsecond=0
                ),
                calls=rng.randint(5, 40),
                refusals=rng.choice([0, 0, 0, 1, 3]),
                waits=rng.choice([0, 0, 1]),
            )


def shoot(base_url: str, chromium: str) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=viewport, base_url=base_url)
            page.goto("/accounts/login/")
            # allauth's sign-in form (its field is `login`): found by label, and the shot waits
            # until the login took, instead of photographing the login page.
            page.get_by_label("Username").fill(USERNAME)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in", exact=True).click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            page.goto("/activity/?range=30")
            path = OUT / f"activity-{name}.png"
            save_small_png(page.screenshot(full_page=name == "phone"), path)
            written.append(path)
        browser.close()
    return written


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kapso-activity-shots-"))
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "TEAM_QUEUE_URL": f"sqlite:///{workdir / 'queue.sqlite3'}",
        "KAPSO_API_KEY": "screenshots-" + secrets.token_hex(8),
        "KAPSO_API_BASE_URL": "http://127.0.0.1:9/api/v1",
        "DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "kapso_dashboard.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        seed()
        command = [
            sys.executable,
            str(ROOT / "manage.py"),
            "runserver",
            "--noreload",
            "127.0.0.1:0",
        ]
        with start_process(
            command, announce=RUNSERVER, ready_path="/healthz", env={**os.environ}
        ) as web:
            written = shoot(web.url, chromium_executable() or "/usr/bin/chromium")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(written)


if __name__ == "__main__":
    main()
