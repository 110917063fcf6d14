"""sandbox/templatetags/remembered_urls.py: every template's {% url %} gives what Django's
gives, reverses a link once, and never hands a link made for another prefix, namespace or
argument."""

from __future__ import annotations

import django.urls
import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix

from sandbox.templatetags import remembered_urls


@pytest.fixture
def reversals(monkeypatch):
    """Every reversal the tag asks Django for (Django's tag imports `reverse` per call)."""
    remembered_urls.forget()
    asked = []

    def counted(*args, **kwargs):
        asked.append(args[0])
        return reverse(*args, **kwargs)

    monkeypatch.setattr(django.urls, "reverse", counted)
    yield asked
    remembered_urls.forget()


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_it_is_every_template_s_url_tag_without_a_load():
    nodes = Template("{% url 'sandbox:detail' 5 %}").nodelist
    assert isinstance(nodes[0], remembered_urls.RememberedURLNode)


def test_it_gives_what_django_gives(reversals):
    assert render("{% url 'sandbox:list' %}") == reverse("sandbox:list")
    assert render("{% url 'sandbox:detail' pk %}", pk=7) == reverse("sandbox:detail", args=[7])
    assert render("{% url 'sandbox:detail' pk=8 %}") == reverse("sandbox:detail", args=[8])
    assert render("{% url 'sandbox:renew' 9 as link %}[{{ link }}]") == (
        f"[{reverse('sandbox:renew', args=[9])}]"
    )


def test_a_link_is_reversed_once(reversals):
    page = "{% url 'sandbox:list' %} {% url 'sandbox:renew' pk %} {% url 'sandbox:renew' pk %}"
    first = render(page, pk=3)
    assert render(page, pk=3) == first
    assert reversals == ["sandbox:list", "sandbox:renew"]
    render(page, pk=4)  # another session: its own link
    assert reversals == ["sandbox:list", "sandbox:renew", "sandbox:renew"]


def test_another_script_prefix_gets_its_own_link(reversals):
    plain = render("{% url 'sandbox:list' %}")
    try:
        set_script_prefix("/dashboard/")
        assert render("{% url 'sandbox:list' %}") == "/dashboard" + plain
    finally:
        set_script_prefix("/")
    assert render("{% url 'sandbox:list' %}") == plain


def test_the_namespace_of_the_request_is_part_of_the_key(reversals, rf: RequestFactory):
    request = rf.get("/")
    request.current_app = "sandbox"
    text = Template("{% url 'sandbox:list' %}").render(RequestContext(request))
    assert text == reverse("sandbox:list")
    render("{% url 'sandbox:list' %}")  # no request: asked again, not taken from the other
    assert reversals == ["sandbox:list", "sandbox:list"]


def test_an_object_argument_is_reversed_every_time(reversals):
    class Changing:
        def __init__(self):
            self.pk = 1

        def __str__(self):
            return str(self.pk)

        def __hash__(self):
            return 0

    thing = Changing()
    assert render("{% url 'sandbox:detail' thing %}", thing=thing).endswith("/1/")
    thing.pk = 2
    assert render("{% url 'sandbox:detail' thing %}", thing=thing).endswith("/2/")
    assert len(reversals) == 2


def test_a_failed_reversal_still_fails_and_leaves_nothing(reversals):
    with pytest.raises(NoReverseMatch):
        render("{% url 'sandbox:detail' 'x' %}")
    assert remembered_urls._remembered == {}
    assert render("{% url 'sandbox:nowhere' as link %}[{{ link }}]") == "[]"


def test_a_changed_setting_forgets_everything(reversals, settings):
    render("{% url 'sandbox:list' %}")
    settings.ROOT_URLCONF = settings.ROOT_URLCONF  # any override fires setting_changed
    assert remembered_urls._remembered == {}
