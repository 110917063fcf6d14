"""sandbox/views/privacy.py and sandbox/privacy/notice.py: a public page and docs/privacy.md,
both made from the declaration; linked from every page's footer and the share page."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import privacy
from sandbox.privacy import notice

DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


@pytest.mark.django_db
def test_the_privacy_page_is_public_and_lists_every_declared_store(client, settings):
    settings.SANDBOX_RETENTION_DAYS = 30
    page = client.get("/privacy/")
    assert page.status_code == 200
    text = page.content.decode()
    for store in privacy.stores():
        assert store.name in text
    assert "30 days after a session ended" in text  # this installation's window
    assert "Kapso keeps its own copy" in text


@pytest.mark.django_db
def test_the_footer_links_to_it_on_public_pages(client):
    assert b'href="/privacy/"' in client.get("/accounts/login/").content


def test_docs_privacy_md_is_what_the_declaration_says():
    assert DOC.read_text(encoding="utf-8") == notice.markdown(defaults=True), (
        "docs/privacy.md is stale: run `manage.py privacy_notice --write docs/privacy.md`"
    )
