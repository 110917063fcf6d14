from django.urls import path

from sandbox.views import budget, create, detail, health, history, privacy, sharing

app_name = "sandbox"

urlpatterns = [
    path("", create.session_create, name="create"),
    path("sessions/", history.session_list, name="list"),
    path("sessions/<int:pk>/", detail.session_detail, name="detail"),
    path("sessions/<int:pk>/qr.svg", detail.session_qr_svg, name="qr_svg"),
    path("sessions/<int:pk>/qr.png", detail.session_qr_png, name="qr_png"),
    path("sessions/<int:pk>/status.json", detail.session_status, name="status"),
    path("sessions/<int:pk>/state/", detail.session_state_part, name="state"),
    path("sessions/<int:pk>/renew/", create.session_renew, name="renew"),
    path("sessions/<int:pk>/share/", sharing.session_share, name="share"),
    path("share/<str:token>/", sharing.shared_session, name="shared"),
    path("budget/", budget.budget, name="budget"),
    path("healthz", health.healthz, name="healthz"),
    path("privacy/", privacy.privacy, name="privacy"),
]
