"""One matrix cell as HTML, built in Python: at 20 x 5 the template language's per-variable
lookups, and then Django's lazy-aware escaping, were most of the page's time
(docs/benchmark-team.md). Every value is escaped with the standard library's `html.escape`
(quotes included) before it is marked safe."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from sandbox.team.matrix import Cell

register = template.Library()


@register.simple_tag
def matrix_cell(cell: Cell) -> SafeString:
    key, label, action = escape(cell.key), escape(cell.label), escape(cell.action)
    if cell.session_url:
        label = f'<a href="{escape(cell.session_url)}">{label}</a>'
    name = f"{action}: {escape(cell.tester.name)} with {escape(cell.agent.name)}"
    return mark_safe(  # noqa: S308 - every part above is escaped
        f'<td class="cell cell-{escape(cell.state)}" id="cell-{key}" data-key="{key}">'
        f'<span class="cell-state">{label}</span>'
        f'<span class="cell-left small">{escape(cell.left)}</span>'
        f'<button type="submit" name="cell" value="{key}" '
        f'class="button secondary small-button cell-button" aria-label="{name}">'
        f'<span class="cell-action">{action}</span></button></td>'
    )
