"""sandbox/management/commands/privacy_notice.py: docs/privacy.md from the declaration."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from sandbox.privacy import notice


def test_it_prints_or_writes_what_the_declaration_says(tmp_path):
    out = StringIO()
    call_command("privacy_notice", stdout=out)
    assert out.getvalue() == notice.markdown(defaults=True)
    target = tmp_path / "privacy.md"
    call_command("privacy_notice", write=str(target), stdout=StringIO())
    assert target.read_text(encoding="utf-8") == notice.markdown(defaults=True)
