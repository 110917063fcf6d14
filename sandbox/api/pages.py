"""`/settings/tokens/`: a teammate makes, lists and revokes their own API tokens.

A new token's secret is shown once, in the answer to the POST that made it, and stored
nowhere (not in the session, not in a message cookie): reloading the page cannot show it
again, and a repeated POST is refused by the unique name. Staff manage everyone's tokens in
the admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sandbox.api.forms import TokenForm
from sandbox.api.tokens import TokenNameTaken, token_create, token_revoke, tokens_of


@never_cache  # the new token's secret is on the page: kept by no cache and no back button
@require_http_methods(["GET", "POST"])
def token_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "revoke":
        return _revoke(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    issued = None
    if form.is_valid():
        try:
            issued = token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in=form.expires_in(),
                access=form.cleaned_data["access"],
            )
        except TokenNameTaken as exc:
            form.add_error("name", str(exc))
        else:
            form = TokenForm()  # an empty form below the new token
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": tokens_of(request.user),
            "api_base": request.build_absolute_uri(reverse("api:api-root")).rstrip("/"),
        },
    )


def _revoke(request: HttpRequest) -> HttpResponse:
    token_id = request.POST.get("token", "")
    # Someone else's token is not found, as their sessions are not.
    token = tokens_of(request.user).filter(pk=token_id).first() if token_id.isdigit() else None
    if token is None:
        raise Http404
    if token_revoke(token):
        messages.success(request, f"Token “{token.name}” revoked: it no longer opens anything.")
    else:
        messages.info(request, f"Token “{token.name}” was already revoked.")
    return redirect("api_tokens")
