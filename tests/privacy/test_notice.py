"""sandbox/privacy/notice.py: the words of /privacy/ and docs/privacy.md, from the declaration."""

from __future__ import annotations

from sandbox import privacy
from sandbox.privacy import notice


def test_the_document_names_every_store_and_the_default_windows():
    text = notice.markdown(defaults=True)
    for store in privacy.stores():
        assert f"| {store.name} | {store.holds} |" in text
    assert "90 days after a session ended" in text and "14 days" in text
    assert "Kapso keeps its own copy" in text


def test_the_page_shows_this_installations_windows(settings):
    settings.SANDBOX_RETENTION_DAYS = 0
    windows = dict(notice.notice().windows)
    assert "kept (retention is off)" in windows.values()
