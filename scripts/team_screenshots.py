"""Refresh the README's pictures of the team pages: docs/screenshots/team-*.png.

    .venv/bin/python scripts/team_screenshots.py

Self-contained, like scripts/screenshots.py (whose helpers it uses): its own Kapso emulator,
dashboard (runserver) and job worker (team_worker) on a throwaway SQLite database and queue;
imports a roster, onboards it on the worker, marks a few sessions active in the emulator,
and shoots the team matrix (laptop and phone) and the onboarding sheet as printed.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import requests  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from screenshots import demo_dashboard, report, save_small_png  # noqa: E402

from tests.browser.chromium import CHROMIUM_ARGS, LAPTOP, PHONE, chromium_executable  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
USERNAME, PASSWORD = "lead", secrets.token_urlsafe(12)
ROSTER = """name,phone,email
Ana Souza,+55 11 91234 5678,ana@example.com
Ben Carter,+1 415 555 2671,ben@example.com
Chloe Martin,+33 6 12 34 56 78,
Daniel Okafor,+234 803 123 4567,daniel@example.com
Emma Schulz,+49 151 23456789,
Farid Haddad,+971 50 123 4567,farid@example.com
"""


def shoot(base_url: str, chromium: str, emulator_url: str) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_context(base_url=base_url, viewport=LAPTOP).new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url(base_url + "/")
        page.goto("/team/testers/")
        page.get_by_label("Or paste a list").fill(ROSTER)
        page.get_by_role("button", name="Import testers").click()
        page.goto("/onboard/")
        for box in page.locator("input[name=testers]").all():
            box.check()
        agents = page.locator("input[name=agents]")
        agents.nth(0).check()
        agents.nth(1).check()
        page.get_by_role("button", name="Onboard").click()
        page.wait_for_url(re.compile(r".*/onboard/\d+/$"))
        page.locator("#progress-state").filter(has_text="Finished").wait_for(timeout=120_000)
        batch_url = page.url
        # A few phones sent their code.
        sessions = requests.get(
            f"{emulator_url}/api/v1/sandbox_sessions?per_page=100",
            headers={"X-API-Key": os.environ["SHOT_KEY"]},
            timeout=5,
        ).json()["data"]
        for session in sessions[::3]:
            requests.post(
                f"{emulator_url}/_emulator/sessions/{session['id']}/status",
                json={"status": "active"},
                timeout=5,
            )
        page.goto("/team/")
        page.wait_for_timeout(13_000)  # the matrix polls Kapso's news in by itself
        for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            path = OUT / f"team-matrix-{size}.png"
            save_small_png(page.screenshot(full_page=True), path)
            written.append(path)
        page.goto(batch_url + "sheet/")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        path = OUT / "team-sheet-print.png"
        save_small_png(page.screenshot(full_page=True), path)
        written.append(path)
        browser.close()
    return written


def main() -> None:
    chromium = chromium_executable() or "/usr/bin/chromium"
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_dashboard(
        "kapso-team-screenshots-", username=USERNAME, password=PASSWORD, staff=True, worker=True
    ) as demo:
        os.environ["SHOT_KEY"] = demo.api_key  # shoot() marks sessions active in the emulator
        written = shoot(demo.url, chromium, demo.emulator.url)
    report(written)


if __name__ == "__main__":
    main()
