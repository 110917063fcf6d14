from django.apps import AppConfig


class SandboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sandbox"
    verbose_name = "Kapso sandbox"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from sandbox import history, page_cache, qr
        from sandbox.models import Agent, SandboxSession
        from sandbox.privacy import declaration
        from sandbox.session_queryset import sessions_written
        from sandbox.web import security  # noqa: F401  (deploy checks)

        # Any written session invalidates the cached history figures and pages: saves and
        # deletes through Django's signals, bulk writes through the sessions' queryset.
        # So do the names a history row shows (agents, creators).
        for signal in (post_save, post_delete):
            signal.connect(
                history.on_session_written,
                sender=SandboxSession,
                dispatch_uid=f"history-cache-{signal}",
            )
            signal.connect(history.on_session_written, sender=Agent, dispatch_uid=f"h-a-{signal}")
            signal.connect(
                history.on_account_written, sender=get_user_model(), dispatch_uid=f"h-u-{signal}"
            )
        sessions_written.connect(history.on_session_written, dispatch_uid="history-bulk")
        # Kept pages hold phone numbers: a deleted session makes them all unreadable.
        post_delete.connect(
            lambda **kwargs: page_cache.forget_all(),
            sender=SandboxSession,
            dispatch_uid="page-cache-forget",
            weak=False,
        )
        declaration.declare()  # the personal data of sandbox and Django (sandbox/privacy/)
        # A deleted session's kept QR code goes with it (bulk erasures delete theirs too).
        post_delete.connect(
            lambda sender, instance, **kwargs: qr.forget_kept_qr_svgs([instance.pk]),
            sender=SandboxSession,
            dispatch_uid="session-qr-forget",
            weak=False,
        )
