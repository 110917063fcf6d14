from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sandbox.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from sandbox.api import privacy_stores

        privacy_stores.declare()  # its columns join the one declaration (sandbox/privacy/)
