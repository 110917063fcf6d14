"""URL roots: the admin, the account pages (allauth, and ours in sandbox/accounts), and the
sandbox app."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin has no password form of its own: /admin/login/ sends people to allauth's sign-in
# (throttled, second factor, single sign-on), and the gate applies there as everywhere.
admin.site.login = secure_admin_login(admin.site.login)

# A database or cache outage gets a 503 page naming it; anything else the plain 500 page.
handler500 = "sandbox.web.outages.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign in and out, password reset and change, e-mail addresses, second factor,
    # single sign-on, and one's signed-in sessions.
    path("accounts/", include("allauth.urls")),
    # The pages people wait for most come first: Django tries the patterns in order, and
    # every "" include before them costs a session page a walk through its patterns.
    path("", include("sandbox.urls")),
    path("", include("sandbox.accounts.urls")),  # members, invitations
    path("", include("sandbox.team.urls")),
    path("", include("sandbox.activity.urls")),  # /activity/ (staff)
    path("", include("sandbox.metrics.urls")),  # /metrics (operators)
    path("", include("sandbox.api.urls")),  # /api/v1/ and /settings/tokens/
]
