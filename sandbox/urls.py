from django.urls import path

from sandbox import views

app_name = "sandbox"

urlpatterns = [
    path("", views.session_create, name="create"),
    path("sessions/", views.session_list, name="list"),
    path("sessions/<int:pk>/", views.session_detail, name="detail"),
    path("sessions/<int:pk>/qr.svg", views.session_qr_svg, name="qr_svg"),
    path("sessions/<int:pk>/qr.png", views.session_qr_png, name="qr_png"),
    path("sessions/<int:pk>/status.json", views.session_status, name="status"),
    path("sessions/<int:pk>/renew/", views.session_renew, name="renew"),
    path("sessions/<int:pk>/share/", views.session_share, name="share"),
    path("share/<str:token>/", views.shared_session, name="shared"),
    path("healthz", views.healthz, name="healthz"),
]
