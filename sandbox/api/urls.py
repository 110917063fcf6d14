"""/api/v1/ (the API, its schema, docs and index) and /settings/tokens/ (a person's tokens).

The API's views are opened by a token, not a login, so the login the rest of the dashboard
requires (LoginRequiredMiddleware) is waived for them, and so is CSRF (no cookie is used).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, include, path, re_path

from sandbox.api import docs, pages, problems
from sandbox.api.api import api


def _token_opened(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text"):
            # django-ninja answers a wrong method in plain text: say it as every error is.
            allowed = response.get("Allow", "")
            problem = problems.ApiProblem(
                "method_not_allowed",
                f"{request.method} is not allowed here; use {allowed}.",
                headers={"Allow": allowed},
            )
            return problems.response(request, problem)
        # Answers carry phone numbers and activation codes: no proxy or client cache keeps
        # them (the schema and docs hold none, but one rule for the whole API is simpler).
        response.setdefault("Cache-Control", "no-store")
        return response

    answer.login_required = False  # a token opens it (auth.py), not a login
    answer.csrf_exempt = True
    return answer


def _open(pattern: URLPattern) -> URLPattern:
    view = docs.index if pattern.name == "api-root" else pattern.callback
    return URLPattern(pattern.pattern, _token_opened(view), pattern.default_args, pattern.name)


api_patterns = [
    *(_open(pattern) for pattern in api.urls[0]),
    path("docs", _token_opened(docs.docs_page), name="docs"),
    re_path(r"^.*$", _token_opened(docs.unknown), name="unknown"),
]

urlpatterns = [
    path("api/v1/", include((api_patterns, "api"))),
    path("settings/tokens/", pages.token_settings, name="api_tokens"),
]
