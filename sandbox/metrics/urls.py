from django.urls import path

from sandbox.metrics import views

app_name = "metrics"

urlpatterns = [path("metrics", views.metrics, name="metrics")]
