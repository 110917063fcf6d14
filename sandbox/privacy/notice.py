"""What the /privacy/ page and docs/privacy.md say, built from the declaration: one source.

The page shows this install's windows (its settings); the document, the defaults.
`manage.py privacy_notice --write docs/privacy.md` rewrites the document, and a test fails
when it differs from what this module makes of the declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from sandbox.privacy.erasure import KAPSO_KEEPS_A_COPY
from sandbox.privacy.registry import Store, stores

GENERATED = (
    "<!-- Made by `manage.py privacy_notice --write docs/privacy.md` from sandbox/privacy/\n"
    "     (the declaration); served at /privacy/. Do not edit by hand. -->"
)
DEFAULT_WINDOWS = {"SANDBOX_RETENTION_DAYS": 90, "SESSION_COOKIE_AGE": 14 * 24 * 3600}
INTRO = (
    "This dashboard creates Kapso WhatsApp sandbox sessions for a team's testers. It keeps "
    "testers' phone numbers, names and e-mail addresses, and teammates' accounts, only to do "
    "that, and it can erase any of them everywhere it keeps them."
)
ERASE = [
    "A tester: **Erase** on the tester's page (team managers), or in the admin (the action "
    "“Erase selected testers everywhere”, or a plain delete, which erases the same way).",
    'A phone number without a tester: `manage.py erase_phone "+44 7700 900123"`.',
    "Erasure blanks the number in every session and failed attempt (rows stay, so counts stay "
    "true), deletes the tester, blanks reminder addresses and errors that quote the number, "
    "and deletes admin history naming them. It remembers only a keyed hash of the number, so a "
    "sync never imports Kapso's older sessions of it again; adding the person later works as "
    "for anyone new.",
]
ACCESS = (
    "Team managers can download everything the dashboard holds about one tester (on the "
    "tester's page) or one phone number (Team → personal data) as JSON. Each download is "
    "recorded, without the number."
)
KAPSO = (
    "Kapso keeps its own copy of every session it made (the phone number included). The "
    "dashboard cannot delete it: " + KAPSO_KEEPS_A_COPY
)


@dataclass(frozen=True)
class Notice:
    intro: str
    stores: list[Store]
    windows: list[tuple[str, str]]
    erase: list[str]
    access: str
    kapso: str


def notice(*, defaults: bool = False) -> Notice:
    return Notice(INTRO, [s for s in stores()], _windows(defaults), ERASE, ACCESS, KAPSO)


def _windows(defaults: bool) -> list[tuple[str, str]]:
    def value(name: str):
        return DEFAULT_WINDOWS[name] if defaults else getattr(settings, name)

    days = value("SANDBOX_RETENTION_DAYS")
    history = f"{days} days after a session ended" if days > 0 else "kept (retention is off)"
    login_days = value("SESSION_COOKIE_AGE") // 86400
    plain = f"{days} days" if days > 0 else history
    return [
        ("Phone numbers, codes and Kapso's data in sessions (SANDBOX_RETENTION_DAYS)", history),
        ("Failed attempts and admin history (SANDBOX_RETENTION_DAYS)", plain),
        ("Reminder records", "until their session ends"),
        ("Double-submit and API idempotency records", "30 seconds (form), 24 hours (API)"),
        ("Logins (SESSION_COOKIE_AGE)", f"{login_days} days"),
    ]


def markdown(*, defaults: bool = True) -> str:
    n = notice(defaults=defaults)
    lines = ["# Privacy: what the dashboard keeps about people", "", n.intro, ""]
    lines += [GENERATED, ""]
    lines += ["## What is stored, where, and how it is erased", ""]
    lines += ["| store | what it holds | on erasure | kept |", "|---|---|---|---|"]
    lines += [f"| {s.name} | {s.holds} | {s.erased} | {s.kept} |" for s in n.stores]
    lines += ["", "## How long (this document shows the defaults)", ""]
    lines += [f"- {what}: {how}" for what, how in n.windows]
    lines += ["", "## How to erase someone", ""] + [f"- {step}" for step in n.erase]
    lines += ["", "## Seeing what is kept", "", n.access]
    lines += ["", "## What Kapso keeps", "", n.kapso, ""]
    return "\n".join(lines)
