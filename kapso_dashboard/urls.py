"""URL roots: the admin, the account pages (Django's auth views), and the sandbox app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sandbox.web.login_throttle import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

# Both login pages count failures against the same per-account and per-address limits.
admin.site.login_form = ThrottledAdminAuthenticationForm

# A database or cache outage gets a 503 page naming it; anything else the plain 500 page.
handler500 = "sandbox.web.outages.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    # Log out and change one's own password; no self-service reset: the dashboard sends no
    # email, and an admin resets a teammate's password in the admin.
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("sandbox.team.urls")),
    path("", include("sandbox.activity.urls")),  # /activity/ (staff)
    path("", include("sandbox.metrics.urls")),  # /metrics (operators)
    path("", include("sandbox.api.urls")),  # /api/v1/ and /settings/tokens/
    path("", include("sandbox.urls")),
]
