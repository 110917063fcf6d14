"""Access to personal data: everything the dashboard holds about one tester or one phone
number, downloaded as JSON (managers only). The download is recorded, without the number."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sandbox import privacy
from sandbox.team.access import require_manager
from sandbox.team.forms import PhoneLookupForm
from sandbox.team.models import Tester


def _download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
def tester_data(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request.user)
    tester = get_object_or_404(Tester, pk=pk)
    person = privacy.Person(tester_ids={tester.pk})
    data = privacy.export(person, by=request.user, door="the tester page")
    return _download(data, f"tester-{tester.pk}-data.json")


@never_cache
@require_http_methods(["GET", "POST"])
def phone_data(request: HttpRequest) -> HttpResponse:
    """A form, not a query string: a phone in the URL would land in access logs."""
    require_manager(request.user)
    form = PhoneLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = privacy.Person(phone=form.cleaned_data["phone_number"])
        data = privacy.export(person, by=request.user, door="the download by phone number")
        return _download(data, "phone-number-data.json")
    status = 400 if request.method == "POST" else 200
    return render(request, "team/personal_data.html", {"form": form}, status=status)
