"""The API's descriptions, written in Markdown for the OpenAPI schema (where generators and
readers expect it), as HTML for the docs page.

markdown-it-py follows CommonMark; with `html` off, any HTML in the text is escaped, not
passed through, and links to `javascript:` and the like are refused by its link check, so
the output is safe to mark as such. No style attribute or script is ever written, so the
page stays within the Content-Security-Policy.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def block_html(text: str) -> SafeString:
    """Paragraphs, lists and all: for a description."""
    return mark_safe(_markdown().render(text or "").strip())  # noqa: S308 - escaped above


def inline_html(text: str) -> SafeString:
    """One line, no paragraph around it: for a table cell or a summary."""
    return mark_safe(_markdown().renderInline(text or ""))  # noqa: S308 - escaped above
