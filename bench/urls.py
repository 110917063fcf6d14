"""The dashboard's URLs, plus the ceilings every figure is divided by.

`/_bench/bare` is the least a Django view served by the same gunicorn, middleware and
settings can cost: no login, no database, a constant answer; the bench sends it no cookie,
because with a session cookie Django's LoginRequiredMiddleware reads the session and the
user before it looks at `login_not_required`. `/_bench/bare-login` is the same behind the
login every dashboard page has (session and user read), sent the staff user's cookie.
Only `bench.settings` routes them; the dashboard never does.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def bare(request):
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def bare_login(request):
    return HttpResponse(f"ok {request.user.pk}\n", content_type="text/plain")


urlpatterns = [
    path("_bench/bare", bare),
    path("_bench/bare-login", bare_login),
    path("", include("kapso_dashboard.urls")),
]
