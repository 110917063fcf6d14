"""Fixtures for the accounts app: the team tests' real SMTP server, and an invitation's link."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest

from tests.team.conftest import smtp  # noqa: F401  (a real SMTP server, aiosmtpd)

LINK = re.compile(r"https?://\S+/invitations/([A-Za-z0-9_-]+)/")


def invitation_token(body: str) -> str:
    """The secret of the invitation link in a mail body, as the invited person would click it."""
    found = LINK.search(body.replace("=\n", ""))
    assert found, body
    return found.group(1)


@pytest.fixture
def staff_client(client, charlie):
    client.force_login(charlie)
    return client


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 (30 s steps, 6 digits, HMAC-SHA1), written here from the RFC so the test does
    not trust allauth's own code to check allauth."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sign_in(client, username: str, password: str):
    """Through the sign-in form, as a person would (the first step: the password)."""
    return client.post("/accounts/login/", {"login": username, "password": password})


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_MANAGERS = True
