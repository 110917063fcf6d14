from django.apps import AppConfig


class SandboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sandbox"
    verbose_name = "Kapso sandbox"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from sandbox import history
        from sandbox.models import SandboxSession
        from sandbox.privacy import declaration
        from sandbox.web import security  # noqa: F401  (deploy checks)

        # Any saved or deleted session invalidates the cached history figures; bulk
        # writes (sync) bump the version themselves, as signals do not fire for them.
        for signal in (post_save, post_delete):
            signal.connect(
                history.on_session_written,
                sender=SandboxSession,
                dispatch_uid=f"history-cache-{signal}",
            )
        declaration.declare()  # the personal data of sandbox and Django (sandbox/privacy/)
