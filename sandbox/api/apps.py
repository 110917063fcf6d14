from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sandbox.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from sandbox import history
        from sandbox.api import privacy_stores
        from sandbox.api.models import ApiSessionOrigin

        privacy_stores.declare()  # its columns join the one declaration (sandbox/privacy/)
        # A history row says "by API, token …": its origin is part of what the row shows.
        for signal in (post_save, post_delete):
            signal.connect(
                history.on_session_written,
                sender=ApiSessionOrigin,
                dispatch_uid=f"history-origin-{signal}",
            )
