from django.apps import AppConfig


class SandboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sandbox"
    verbose_name = "Kapso sandbox"

    def ready(self) -> None:
        from sandbox import security  # noqa: F401  (registers the deploy checks)
