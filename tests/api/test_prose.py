"""sandbox/api/prose.py: the schema's Markdown as HTML for the docs page, with any HTML in
the text escaped and unsafe links refused, so it can be marked safe."""

from __future__ import annotations

from sandbox.api.prose import block_html, inline_html


def test_markdown_becomes_html():
    assert inline_html("Send `Authorization: Bearer <token>`.") == (
        "Send <code>Authorization: Bearer &lt;token&gt;</code>."
    )
    assert inline_html("[`quota`](/api/v1/docs#problem-quota): **used up**") == (
        '<a href="/api/v1/docs#problem-quota"><code>quota</code></a>: <strong>used up</strong>'
    )
    assert block_html("One.\n\nTwo.") == "<p>One.</p>\n<p>Two.</p>"


def test_html_in_the_text_is_escaped_and_script_links_refused():
    html = inline_html('<script>alert(1)</script> <b onclick="x()">b</b> [x](javascript:alert(1))')
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_nothing_is_nothing():
    assert inline_html("") == "" and block_html("") == ""
