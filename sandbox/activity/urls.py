from django.urls import path

from sandbox.activity import views

app_name = "activity"

urlpatterns = [
    path("activity/", views.activity_page, name="page"),
    path("activity/<str:table>.csv", views.activity_csv, name="csv"),
]
