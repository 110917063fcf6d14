"""Django's `{% url %}`, remembering what it reversed: a built-in (settings.TEMPLATES), so
every template's `{% url %}` is this one without a `{% load %}`.

A reversal costs about 50 us here and a session page has about 20 of them: its nav's are
the same on every page, and the page names each of its session's links twice or more.
What a reversal gives depends only on the URL patterns (fixed once the process has
started), the URL conf and script prefix of the request, the current namespace and the
arguments, so the text is remembered under exactly those. Only plain arguments (numbers,
text) are remembered: an object's text form could change under the same key. Reversals
that fail, and `{% url ... as var %}`, are left to Django.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode, url
from django.urls import get_script_prefix, get_urlconf

register = template.Library()

REMEMBERED_MOST = 4096  # texts of about 40 bytes each: the nav's and a few pages' links
_remembered: dict[tuple, str] = {}


def _current_app(context) -> str | None:
    """The namespace Django's tag reverses in (request.current_app, else the view's)."""
    request = getattr(context, "request", None)
    if request is None:
        return None
    current = getattr(request, "current_app", None)
    if current is not None:
        return current
    match = getattr(request, "resolver_match", None)
    return getattr(match, "namespace", None)


class RememberedURLNode(URLNode):
    def render(self, context):
        if self.asvar:
            return super().render(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        plain = (int, str)
        if not all(type(v) in plain for v in (*args, *(v for _, v in kwargs))):
            return super().render(context)
        key = (
            self.view_name.resolve(context),
            args,
            kwargs,
            _current_app(context),
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
            context.autoescape,
        )
        text = _remembered.get(key)
        if text is None:
            text = super().render(context)
            if len(_remembered) >= REMEMBERED_MOST:
                _remembered.clear()  # rarely: a first view's links fill it in thousands
            _remembered[key] = text
        return text


@register.tag("url")
def remembered_url(parser, token):
    node = url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def forget(**kwargs) -> None:
    """A test that changes the URL patterns or settings starts from nothing remembered."""
    _remembered.clear()


setting_changed.connect(forget, dispatch_uid="remembered_urls.forget")
